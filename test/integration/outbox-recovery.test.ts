import path from 'node:path';
import Database from 'better-sqlite3';
import * as openpgp from 'openpgp';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { makeImapWorld } from '../helpers/imap-world.js';
import { appendAll } from '../helpers/imap-client.js';
import { makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeKey } from '../helpers/pgp-keys.js';
import type { Project } from '../helpers/project.js';
import { goodKey, TEST_IDS } from '../helpers/registry-fixture.js';
import { runCountersign } from '../helpers/run-cli.js';
import type { Behaviour } from '../helpers/smtp-peer.js';

/**
 * Issue 13, item 2: held and failed mail is visible (`outbox list/show`, and flags that name the
 * mail's purpose, recipient and cause) and recoverable (release after a key fix — by hand, at start,
 * after a registry import — resend with the same Message-ID, cancel). Real Dovecot, real SMTP peer.
 */
let dovecot: Dovecot;
let n = 0;
beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(() => dovecot?.destroy());

const STAFF = 'ops@partners.example';
const PARTNER = 'integrations@acmehealth.io';

async function world(behaviour?: Behaviour) {
  n++;
  const { p, smtp, env, mailbox } = await makeImapWorld(dovecot, `Outbox${n}`, { ...(behaviour ? { behaviour } : {}) });
  const { COUNTERSIGN_SIGNING_KEY: _key, ...base } = env;
  const run = async (e: Record<string, string> = env) => {
    const r = await runCountersign(['run', '--once'], e);
    expect(r.code, r.stderr).toBe(0);
    for (const id of TEST_IDS) expect(r.stdout + r.stderr).not.toContain(id);
  };
  const cli = async (...args: string[]) => runCountersign(args, env);
  const approve = () => appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', subject: 'Production', body: PRODUCTION_APPROVAL })], mailbox);
  return { p, smtp, env, base, run, cli, approve };
}

const partnerRow = (p: Project) => p.query<{ id: number; status: string; message_id: string }>("SELECT id, status, message_id FROM outbox WHERE kind = 'partner_production_identifiers'")[0]!;

async function decrypts(raw: string): Promise<boolean> {
  const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(raw)![0];
  const { data } = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: armored }), decryptionKeys: await openpgp.readPrivateKey({ armoredKey: (await goodKey()).privateKey }) });
  return String(data).includes('RFM-PROD-7731');
}

describe('held and failed mail, visible and recoverable (Dovecot + SMTP peer)', () => {
  it('a mail held for an expired partner key: the flag names it, release refuses while the key is bad, and a registry import with a good key releases it', async () => {
    const w = await world();
    try {
      const expired = await makeKey(PARTNER, { expiredHoursAgo: 1 });
      const db = new Database(w.p.dbPath);
      db.prepare("UPDATE partners SET public_key_armored = ? WHERE id = 'acme'").run(expired.publicKey);
      db.close();
      await w.approve();
      await w.run();
      await w.run();
      const held = partnerRow(w.p);
      expect(held.status).toBe('held');
      const notice = await simpleParser(w.smtp.received.filter((m) => m.to.includes(STAFF)).at(-1)!.raw);
      expect(notice.subject).toMatch(/\] Held: the Production identifiers for Acme Scheduler at Riverside Family Medicine to integrations@acmehealth\.io was not sent$/);
      expect(notice.text).toContain("the partner's key has expired");
      expect(notice.text).toContain(`countersign outbox release ${held.id}`);
      expect(notice.text).not.toContain('approve as STEP');

      const list = JSON.parse((await w.cli('outbox', 'list', '--status', 'held', '--json')).stdout);
      expect(list).toEqual([expect.objectContaining({ id: held.id, kind: 'partner_production_identifiers', status: 'held', recipient: PARTNER, app: 'acme-scheduler', client: 'riverside', flag: expect.objectContaining({ kind: 'held_mail' }) })]);
      expect(list[0].lastError).toContain('has expired');
      const show = await w.cli('outbox', 'show', String(held.id));
      expect(show.stdout).toContain(`mail ${held.id}: the Production identifiers for Acme Scheduler at Riverside Family Medicine to ${PARTNER}`);
      expect(show.stdout).toContain(`countersign outbox release ${held.id}`);

      const early = await w.cli('outbox', 'release', String(held.id));
      expect(early.code).toBe(1);
      expect(early.stderr).toContain(`mail ${held.id} is still held: the partner's key has expired`);

      // The fix: the registry file's key (a good one) imported again.
      const imported = await w.cli('registry', 'import', path.join(w.p.dir, 'registry.yaml'));
      expect(imported.code, imported.stderr).toBe(0);
      await w.run();
      expect(partnerRow(w.p)).toEqual({ ...held, status: 'sent' });
      const partner = w.smtp.received.filter((m) => m.to.includes(PARTNER));
      expect(partner).toHaveLength(1);
      expect((await simpleParser(partner[0]!.raw)).messageId).toBe(held.message_id);
      expect(await decrypts(partner[0]!.raw)).toBe(true);
      expect(w.p.query("SELECT status, resolved_by FROM flags WHERE kind = 'held_mail'")).toEqual([{ status: 'resolved', resolved_by: 'countersign' }]);
      expect((await w.cli('log', 'verify')).code).toBe(0);
    } finally {
      await w.smtp.close();
    }
  }, 120_000);

  it('a mail held for a missing signing key is released by hand with outbox release once the key is configured', async () => {
    const w = await world();
    try {
      await w.approve();
      await w.run(w.base);
      expect(partnerRow(w.p).status).toBe('held');
      // By hand: the release re-checks with the key now configured, then queues.
      const released = await w.cli('outbox', 'release', String(partnerRow(w.p).id), '--json');
      expect(released.code, released.stderr).toBe(0);
      expect(JSON.parse(released.stdout)).toMatchObject({ status: 'queued', closedFlag: expect.stringMatching(/^CS-/) });
      await w.run();
      expect(partnerRow(w.p).status).toBe('sent');
      expect(w.smtp.received.filter((m) => m.to.includes(PARTNER))).toHaveLength(1);
    } finally {
      await w.smtp.close();
    }
  }, 120_000);

  it('held at start: the daemon started with the signing key sends what an earlier run without it held', async () => {
    const w = await world();
    try {
      await w.approve();
      await w.run(w.base);
      expect(partnerRow(w.p).status).toBe('held');
      await w.run();
      expect(partnerRow(w.p).status).toBe('sent');
      expect(w.smtp.received.filter((m) => m.to.includes(PARTNER))).toHaveLength(1);
    } finally {
      await w.smtp.close();
    }
  }, 120_000);

  it('a mail refused permanently is resent with the same Message-ID; a held one is cancelled by staff', async () => {
    const w = await world((attempt) => (attempt === 1 ? { code: 550, message: 'mailbox unavailable' } : 'accept'));
    try {
      await w.approve();
      await w.run();
      const failed = w.p.query<{ id: number; kind: string; message_id: string; status: string }>("SELECT id, kind, message_id, status FROM outbox WHERE status = 'failed'");
      expect(failed).toHaveLength(1);
      await w.run();
      const notice = await simpleParser(w.smtp.received.filter((m) => m.to.includes(STAFF)).at(-1)!.raw);
      expect(notice.subject).toMatch(/\] Failed: .* was refused$/);
      expect(notice.text).toContain('refused by the mail server: 550');
      expect(notice.text).toContain('mailbox unavailable');
      expect(notice.text).toContain(`countersign outbox resend ${failed[0]!.id}`);
      const resent = await w.cli('outbox', 'resend', String(failed[0]!.id));
      expect(resent.code, resent.stderr).toBe(0);
      expect(resent.stdout).toContain(failed[0]!.message_id);
      await w.run();
      const again = w.smtp.received.filter((m) => m.raw.includes(failed[0]!.message_id));
      expect(again).toHaveLength(1);
      expect(w.p.query('SELECT status FROM outbox WHERE id = ?', failed[0]!.id)).toEqual([{ status: 'sent' }]);

      // Cancel: only staff, recorded with the staff address.
      const db = new Database(w.p.dbPath);
      db.prepare("UPDATE outbox SET status = 'held' WHERE id = ?").run(failed[0]!.id);
      db.close();
      expect((await w.cli('outbox', 'cancel', String(failed[0]!.id), '--by', 'dev@acmehealth.io')).code).toBe(2);
      const cancelled = await w.cli('outbox', 'cancel', String(failed[0]!.id), '--by', STAFF);
      expect(cancelled.code, cancelled.stderr).toBe(0);
      expect(w.p.query('SELECT status FROM outbox WHERE id = ?', failed[0]!.id)).toEqual([{ status: 'cancelled' }]);
      expect((await w.cli('outbox', 'resend', String(failed[0]!.id))).stderr).toContain('is cancelled; this applies only to mail that is failed or undelivered');
    } finally {
      await w.smtp.close();
    }
  }, 120_000);
});
