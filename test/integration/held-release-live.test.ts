import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, waitFor } from '../helpers/daemon.js';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { gnupgHome } from '../helpers/gnupg.js';
import { appendAll } from '../helpers/imap-client.js';
import { makeImapWorld } from '../helpers/imap-world.js';
import { makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeKey } from '../helpers/pgp-keys.js';
import { goodKey, TEST_IDS } from '../helpers/registry-fixture.js';
import { runCountersign } from '../helpers/run-cli.js';

/**
 * Issue 13, item 2, in a daemon that keeps running: held mail is re-checked after every registry
 * import, not only when the daemon starts. The poll interval is an hour and no mail arrives after
 * the import, so neither a poll nor IDLE can be what sends the released mail.
 */
let dovecot: Dovecot;
beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(() => dovecot?.destroy());

const STAFF = 'ops@partners.example';
const PARTNER = 'integrations@acmehealth.io';

describe('held mail released by a registry import while the daemon runs (Dovecot + SMTP peer + gpg)', () => {
  it('an identifiers mail held for an expired partner key goes out once, same Message-ID, encrypted to the new key, and its flag closes', async () => {
    const w = await makeImapWorld(dovecot, 'HeldLive', { env: { COUNTERSIGN_POLL_SECONDS: '3600' } });
    // The partner's key expired after it was imported: the registry still holds it.
    const expired = await makeKey(PARTNER, { expiredHoursAgo: 1 });
    const db = new Database(w.p.dbPath);
    db.prepare("UPDATE partners SET public_key_armored = ? WHERE id = 'acme'").run(expired.publicKey);
    db.close();

    const d = startDaemon(w.env);
    // The developer's keyring: the new key's secret half, and our signing key to check the signature.
    const gpg = gnupgHome([(await goodKey()).privateKey, readFileSync(w.env.COUNTERSIGN_SIGNING_KEY!, 'utf8')]);
    try {
      await waitFor('the daemon to open the mailbox', () => d.output().includes('waiting for mail'));
      await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', subject: 'Production', body: PRODUCTION_APPROVAL, messageId: '<held-live@riversidefm.org>' })], w.mailbox);

      const held = await waitFor('the identifiers mail to be held', () =>
        w.p.query<{ id: number; status: string; message_id: string; last_error: string }>("SELECT id, status, message_id, last_error FROM outbox WHERE kind = 'partner_production_identifiers' AND status = 'held'")[0],
      );
      expect(held.last_error).toContain('has expired');
      const heldFlag = await waitFor('the held-mail flag', () => w.p.query<{ token: string; status: string }>("SELECT token, status FROM flags WHERE kind = 'held_mail'")[0]);
      expect(heldFlag.status).toBe('open');
      // Staff hear of it at once, not at the next poll: the notice queued by the pass that held the mail.
      await waitFor('staff to be told', () => w.smtp.received.find((m) => m.to.includes(STAFF) && m.raw.includes(heldFlag.token)), 10_000);
      expect(w.smtp.received.filter((m) => m.to.includes(PARTNER))).toEqual([]);
      const messagesBefore = w.p.query<{ n: number }>('SELECT COUNT(*) AS n FROM messages')[0]!.n;

      // The fix, while the daemon keeps running: the registry file (holding the good key) imported again.
      const imported = await runCountersign(['registry', 'import', path.join(w.p.dir, 'registry.yaml')], w.env);
      expect(imported.code, imported.stderr).toBe(0);
      const importedAt = Date.now();

      // Bounded: the daemon looks for imports every 2 s; the poll is an hour away.
      await waitFor('the released mail to be sent', () => w.p.query<{ status: string }>('SELECT status FROM outbox WHERE id = ?', held.id)[0]?.status === 'sent', 15_000);
      console.log(`held mail sent ${Date.now() - importedAt} ms after the registry import`);

      const partner = w.smtp.received.filter((m) => m.to.includes(PARTNER));
      expect(partner).toHaveLength(1);
      const parsed = await simpleParser(partner[0]!.raw);
      expect(parsed.messageId).toBe(held.message_id);
      // RFC 3156 §4: PGP/MIME, the encrypted part armored inside multipart/encrypted.
      expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/encrypted', params: { protocol: 'application/pgp-encrypted' } });
      for (const id of TEST_IDS) expect(partner[0]!.raw).not.toContain(id);
      const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(partner[0]!.raw)![0];
      const clear = gpg.decrypt(armored);
      expect(clear).toContain('RFM-PROD-7731');
      expect(clear).toMatch(/\[GNUPG:\] DECRYPTION_OKAY/);
      expect(clear).toMatch(/\[GNUPG:\] GOODSIG [0-9A-F]+ apipartners <apipartners@partners.example>/);

      expect(w.p.query("SELECT status, resolved_by FROM flags WHERE kind = 'held_mail'")).toEqual([{ status: 'resolved', resolved_by: 'countersign' }]);
      // Staff were told of the held mail once.
      expect(w.smtp.received.filter((m) => m.to.includes(STAFF) && m.raw.includes(heldFlag.token))).toHaveLength(1);
      // Nothing arrived in the mailbox in between: the import alone woke the daemon.
      expect(w.p.query<{ n: number }>('SELECT COUNT(*) AS n FROM messages')[0]!.n).toBe(messagesBefore);
    } finally {
      gpg.destroy();
      const code = await d.stop();
      await w.smtp.close();
      expect(code, d.output()).toBe(0);
    }
    // Sent exactly once, also after the daemon stopped (nothing resent on the way out).
    expect(w.smtp.received.filter((m) => m.to.includes(PARTNER))).toHaveLength(1);
    for (const id of TEST_IDS) expect(d.output()).not.toContain(id);
    expect((await runCountersign(['log', 'verify'], w.env)).code).toBe(0);
  }, 90_000);
});
