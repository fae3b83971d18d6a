import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as openpgp from 'openpgp';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { BETA_CONSENT, makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeKey } from '../helpers/pgp-keys.js';
import { makeProject, type Project } from '../helpers/project.js';
import { goodKey, TEST_IDS } from '../helpers/registry-fixture.js';
import { runCountersign } from '../helpers/run-cli.js';
import { startSmtpPeer, type Behaviour } from '../helpers/smtp-peer.js';
import { gnupgHome } from '../helpers/gnupg.js';

let seq = 0;
function deliver(p: Project, raw: string): void {
  const md = p.env.COUNTERSIGN_MAILDIR!;
  for (const s of ['new', 'cur', 'tmp']) mkdirSync(path.join(md, s), { recursive: true });
  writeFileSync(path.join(md, 'new', `${1700000000 + ++seq}.t${seq}.host`), raw);
}

async function setup(behaviour?: Behaviour, extra: Record<string, string> = {}) {
  const smtp = await startSmtpPeer(behaviour);
  const signer = await makeKey('apipartners@partners.example');
  const p = await makeProject({ COUNTERSIGN_SMTP_URL: smtp.url, COUNTERSIGN_LOG_LEVEL: 'debug', ...extra });
  const keyFile = path.join(p.dir, 'signing.asc');
  writeFileSync(keyFile, signer.privateKey);
  p.env.COUNTERSIGN_SIGNING_KEY = keyFile;
  return { smtp, signer, p };
}

const outboxRows = (p: Project) => p.query<{ kind: string; status: string; recipient: string | null; message_id: string; attempts: number }>('SELECT kind, status, recipient, message_id, attempts FROM outbox ORDER BY id');
const noIdentifiers = (text: string) => {
  for (const id of TEST_IDS) expect(text).not.toContain(id);
};
/** The mail outside its encrypted part: headers and every clear-text part. */
const clearText = (raw: string) => raw.replace(/-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/g, '');

describe('outgoing mail through a real SMTP peer', () => {
  it('sends the partner PGP/MIME identifiers and a threaded acknowledgement to the authenticated sender, never to Reply-To', async () => {
    const { smtp, signer, p } = await setup();
    try {
      deliver(p, makeMail({ from: 'pm@lakesidepeds.org', headers: { 'Reply-To': 'dev@acmehealth.io' }, subject: 'Acme Scheduler beta', body: BETA_CONSENT, messageId: '<beta-77@lakesidepeds.org>' }));
      const r = await runCountersign(['run', '--once'], p.env);
      expect(r.code, r.stderr).toBe(0);
      expect(outboxRows(p).map((o) => [o.kind, o.status, o.recipient])).toEqual([
        ['partner_test_identifiers', 'sent', 'integrations@acmehealth.io'],
        ['client_ack', 'sent', 'pm@lakesidepeds.org'],
      ]);
      expect(smtp.received.map((m) => m.to)).toEqual([['integrations@acmehealth.io'], ['pm@lakesidepeds.org']]);
      const partner = await simpleParser(smtp.received[0]!.raw);
      expect(partner.headers.get('content-type')).toMatchObject({ value: 'multipart/encrypted', params: { protocol: 'application/pgp-encrypted' } });
      expect(partner.headers.get('auto-submitted')).toBe('auto-generated');
      expect(partner.messageId).toBe(outboxRows(p)[0]!.message_id);
      expect(partner.messageId).toMatch(/@partners\.example>$/);
      const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(smtp.received[0]!.raw)![0];
      const { data, signatures } = await openpgp.decrypt({
        message: await openpgp.readMessage({ armoredMessage: armored }),
        decryptionKeys: await openpgp.readPrivateKey({ armoredKey: (await goodKey()).privateKey }),
        verificationKeys: await openpgp.readKey({ armoredKey: signer.publicKey }),
        expectSigned: true,
      });
      await expect(signatures[0]!.verified).resolves.toBe(true);
      expect(String(data)).toContain('LKP-TEST-0042');
      // And as the developer reads it with GnuPG: decrypted, with Countersign's good signature.
      const gpg = gnupgHome([(await goodKey()).privateKey, signer.publicKey]);
      try {
        const out = gpg.decrypt(armored);
        expect(out).toMatch(/\[GNUPG:\] GOODSIG [0-9A-F]+ apipartners <apipartners@partners.example>/);
        expect(out).toContain('LKP-TEST-0042');
      } finally {
        gpg.destroy();
      }
      const ack = await simpleParser(smtp.received[1]!.raw);
      expect(ack.inReplyTo).toBe('<beta-77@lakesidepeds.org>');
      expect(ack.references).toBe('<beta-77@lakesidepeds.org>');
      expect(ack.headers.get('auto-submitted')).toBe('auto-replied');
      expect(ack.subject).toBe('Re: Acme Scheduler beta');
      for (const m of smtp.received) noIdentifiers(clearText(m.raw));
      noIdentifiers(r.stderr + r.stdout);
    } finally {
      await smtp.close();
    }
  });

  it('retries 421 and 451 replies with backoff and delivers once, with the same Message-ID', async () => {
    const { smtp, p } = await setup((n) => (n === 1 ? { code: 421, message: 'try later' } : n === 2 ? { code: 451, message: 'local error' } : 'accept'));
    try {
      deliver(p, makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<p-421@riversidefm.org>' }));
      expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
      expect(outboxRows(p)[0]).toMatchObject({ kind: 'partner_production_identifiers', status: 'retry', attempts: 1 });
      for (let i = 0; i < 10 && outboxRows(p).some((o) => o.status !== 'sent'); i++) {
        await new Promise((r) => setTimeout(r, 1200));
        expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
      }
      const rows = outboxRows(p);
      expect(rows.every((o) => o.status === 'sent')).toBe(true);
      const partnerMails = smtp.received.filter((m) => m.to.includes('integrations@acmehealth.io'));
      expect(partnerMails).toHaveLength(1);
      expect((await simpleParser(partnerMails[0]!.raw)).messageId).toBe(rows[0]!.message_id);
    } finally {
      await smtp.close();
    }
  });

  it('parks a 550 as failed and raises it to staff', async () => {
    const { smtp, p } = await setup(() => ({ code: 550, message: 'mailbox unavailable' }));
    try {
      deliver(p, makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL }));
      expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
      // The two flags each queue a staff notification, delivered on the next pass.
      expect(outboxRows(p).map((o) => [o.kind, o.status])).toEqual([
        ['partner_production_identifiers', 'failed'],
        ['client_ack', 'failed'],
        ['staff_flag', 'queued'],
        ['staff_flag', 'queued'],
      ]);
      const flags = p.query<{ kind: string; reasons: string }>("SELECT kind, reasons FROM flags WHERE kind = 'send_failed'");
      expect(flags).toHaveLength(2);
      expect(JSON.parse(flags[0]!.reasons)[0]).toMatchObject({ code: 'mail_failed', detail: expect.stringContaining('550') });
      expect(smtp.received).toEqual([]);
    } finally {
      await smtp.close();
    }
  });

  it('retries a connection dropped mid-DATA and then delivers', async () => {
    const { smtp, p } = await setup((n) => (n === 1 ? 'drop' : 'accept'));
    try {
      deliver(p, makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL }));
      expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
      expect(outboxRows(p)[0]!.status).toBe('retry');
      await new Promise((r) => setTimeout(r, 2100));
      expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
      expect(outboxRows(p).map((o) => o.status)).toEqual(['sent', 'sent']);
      expect(smtp.received.filter((m) => m.to.includes('integrations@acmehealth.io'))).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });

  it('a crash between the server accepting a mail and our update resends it with the same Message-ID', async () => {
    const { smtp, p } = await setup();
    try {
      deliver(p, makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL }));
      const crashed = await runCountersign(['run', '--once'], { ...p.env, COUNTERSIGN_TEST_CRASH_AT: 'after_send' });
      expect(crashed.code).toBeNull();
      expect(smtp.received).toHaveLength(1);
      expect(outboxRows(p)[0]!.status).toBe('queued');
      expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
      const ids = await Promise.all(smtp.received.filter((m) => m.to.includes('integrations@acmehealth.io')).map(async (m) => (await simpleParser(m.raw)).messageId));
      expect(ids).toHaveLength(2);
      expect(new Set(ids)).toEqual(new Set([outboxRows(p)[0]!.message_id]));
      expect(outboxRows(p).map((o) => o.status)).toEqual(['sent', 'sent']);
    } finally {
      await smtp.close();
    }
  });

  it('a crash between commit and send delivers the mail once after restart', async () => {
    const { smtp, p } = await setup();
    try {
      deliver(p, makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL }));
      const crashed = await runCountersign(['run', '--once'], { ...p.env, COUNTERSIGN_TEST_CRASH_AT: 'after_commit' });
      expect(crashed.code).toBeNull();
      expect(smtp.received).toEqual([]);
      expect(outboxRows(p).map((o) => o.status)).toEqual(['queued', 'queued']);
      expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
      expect(smtp.received).toHaveLength(2);
      expect(p.query('SELECT COUNT(*) AS n FROM messages')).toEqual([{ n: 1 }]);
    } finally {
      await smtp.close();
    }
  });

  it('holds the identifiers when the partner key has expired or cannot encrypt, tells staff, sends nothing else', async () => {
    for (const kind of ['expired', 'sign-only'] as const) {
      const { smtp, p } = await setup();
      try {
        const bad = kind === 'expired' ? await makeKey('integrations@acmehealth.io', { expiredHoursAgo: 1 }) : await makeKey('integrations@acmehealth.io', { signOnly: true });
        // The key went bad after the registry was imported (it expired, or was replaced in the database).
        const db = new Database(p.dbPath);
        db.prepare("UPDATE partners SET public_key_armored = ? WHERE id = 'acme'").run(bad.publicKey);
        db.close();
        deliver(p, makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL }));
        const r = await runCountersign(['run', '--once'], p.env);
        expect(r.code).toBe(0);
        expect(outboxRows(p).map((o) => [o.kind, o.status])).toEqual([
          ['partner_production_identifiers', 'held'],
          ['client_ack', 'sent'],
          ['staff_flag', 'queued'],
        ]);
        expect(smtp.received.map((m) => m.to)).toEqual([['pm@riversidefm.org']]);
        const flag = p.query<{ reasons: string }>("SELECT reasons FROM flags WHERE kind = 'held_mail'");
        expect(JSON.parse(flag[0]!.reasons)[0].detail).toMatch(kind === 'expired' ? /has expired/ : /no valid encryption-capable key/);
        noIdentifiers(r.stderr + r.stdout + smtp.received.map((m) => m.raw).join(''));
      } finally {
        await smtp.close();
      }
    }
  });

  it('tells an authenticated client what to fix, once a day per reason; an unverified sender gets nothing', async () => {
    const { smtp, p } = await setup();
    try {
      const half = 'We have signed an agreement with Acme permitting Acme Scheduler to connect to our test database.';
      deliver(p, makeMail({ from: 'pm@lakesidepeds.org', subject: 'Acme Scheduler', body: half }));
      deliver(p, makeMail({ from: 'pm@lakesidepeds.org', subject: 'Acme Scheduler again', body: half }));
      deliver(p, makeMail({ from: 'pm@lakesidepeds.org', auth: null, subject: 'Unverified', body: half }));
      expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
      const toClient = smtp.received.filter((m) => m.to.includes('pm@lakesidepeds.org'));
      expect(toClient).toHaveLength(1);
      // Staff hear of all three flagged messages; the unverified sender hears nothing.
      expect(smtp.received.filter((m) => m.to.includes('ops@partners.example'))).toHaveLength(3);
      const fix = await simpleParser(toClient[0]!.raw);
      expect(fix.to).toMatchObject({ text: 'pm@lakesidepeds.org' });
      expect(fix.text).toContain('consent to be, and readiness to act as, a Beta site');
      expect(fix.headers.get('auto-submitted')).toBe('auto-replied');
    } finally {
      await smtp.close();
    }
  });

  it('sends at most the configured number of mails per recipient per hour; the rest wait', async () => {
    const { smtp, p } = await setup(undefined, { COUNTERSIGN_MAX_MAILS_PER_RECIPIENT_HOUR: '1' });
    try {
      deliver(p, makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL }));
      deliver(p, makeMail({ from: 'pm@lakesidepeds.org', subject: 'Acme Scheduler beta', body: BETA_CONSENT }));
      expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
      const partnerRows = outboxRows(p).filter((o) => o.recipient === 'integrations@acmehealth.io');
      expect(partnerRows.map((o) => o.status)).toEqual(['sent', 'queued']);
      expect(smtp.received.filter((m) => m.to.includes('integrations@acmehealth.io'))).toHaveLength(1);
      expect(p.query<{ last_error: string }>("SELECT last_error FROM outbox WHERE status = 'queued'")[0]!.last_error).toBe('per-recipient hourly limit reached');
    } finally {
      await smtp.close();
    }
  });

  it('without COUNTERSIGN_SMTP_URL writes each mail as an .eml file in the outbox folder', async () => {
    const p = await makeProject({ COUNTERSIGN_OUTBOX_DIR: '' });
    const signer = await makeKey('apipartners@partners.example');
    writeFileSync(path.join(p.dir, 'signing.asc'), signer.privateKey);
    const env = { ...p.env, COUNTERSIGN_SIGNING_KEY: path.join(p.dir, 'signing.asc'), COUNTERSIGN_OUTBOX_DIR: path.join(p.dir, 'outbox') };
    deliver(p, makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL }));
    expect((await runCountersign(['run', '--once'], env)).code).toBe(0);
    const files = readdirSync(path.join(p.dir, 'outbox')).sort();
    expect(files).toEqual(['1-partner_production_identifiers.eml', '2-client_ack.eml']);
    noIdentifiers(clearText(readFileSync(path.join(p.dir, 'outbox', files[0]!), 'utf8')));
  });

  it('refuses to start when the signing key does not open with its passphrase', async () => {
    const p = await makeProject();
    const locked = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'a@partners.example' }], passphrase: 'right', format: 'armored' });
    writeFileSync(path.join(p.dir, 'locked.asc'), locked.privateKey);
    const r = await runCountersign(['run', '--once'], { ...p.env, COUNTERSIGN_SIGNING_KEY: path.join(p.dir, 'locked.asc'), COUNTERSIGN_SIGNING_KEY_PASSPHRASE: 'wrong' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('COUNTERSIGN_SIGNING_KEY');
  });
});
