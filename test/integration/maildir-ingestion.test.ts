import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { bounceToken, verpAddress } from '../../src/core/bounce-token.js';
import { makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeProject, type Project } from '../helpers/project.js';
import { runCountersign } from '../helpers/run-cli.js';

function deliver(p: Project, name: string, raw: string, sub: 'new' | 'cur' = 'new'): void {
  const md = p.env.COUNTERSIGN_MAILDIR!;
  for (const s of ['new', 'cur', 'tmp']) mkdirSync(path.join(md, s), { recursive: true });
  writeFileSync(path.join(md, sub, name), raw);
}
const list = (p: Project, rel: string) => {
  const d = path.join(p.env.COUNTERSIGN_MAILDIR!, rel);
  return existsSync(d) ? readdirSync(d).sort() : [];
};

describe('the embedded Maildir default', () => {
  it('files each message in cur/ with the Seen flag, in the Maildir++ folder of its outcome', async () => {
    const p = await makeProject();
    deliver(p, '1700000001.m1.host', makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<md-1@riversidefm.org>' }));
    deliver(p, '1700000002.m2.host', makeMail({ from: 'pm@riversidefm.org', auth: null, body: PRODUCTION_APPROVAL, messageId: '<md-2@riversidefm.org>' }));
    deliver(p, '1700000003.m3.host:2,F', makeMail({ from: 'pm@riversidefm.org', headers: { Precedence: 'bulk' }, messageId: '<md-3@riversidefm.org>' }), 'cur');
    const r = await runCountersign(['run', '--once'], p.env);
    expect(r.code, r.stderr).toBe(0);
    expect(list(p, 'new')).toEqual([]);
    expect(list(p, 'cur')).toEqual([]);
    expect(list(p, '.Countersign.Processed/cur')).toEqual(['1700000001.m1.host:2,S']);
    expect(list(p, '.Countersign.Flagged/cur')).toEqual(['1700000002.m2.host:2,S']);
    expect(list(p, '.Countersign.Ignored/cur')).toEqual(['1700000003.m3.host:2,FS']);
    expect(p.query('SELECT outcome FROM messages ORDER BY id')).toEqual([{ outcome: 'applied' }, { outcome: 'flagged' }, { outcome: 'ignored' }]);
    // Running again finds nothing new.
    expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
    expect(p.query('SELECT COUNT(*) AS n FROM messages')).toEqual([{ n: 3 }]);
  });

  it('a backlog decides the next message while recording this one, and decides it again when this one changed the stage', async () => {
    // Production approval then GA sign-off from the same client: the sign-off may be decided ahead,
    // while the approval is recorded, against the stage before it (beta consented, where a sign-off
    // is refused); it must then be decided again against production approved, and applied.
    // (test/daemon/decide-ahead.test.ts forces that path.)
    const p = await makeProject();
    deliver(p, '1700000001.la1.host', makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<la-1@riversidefm.org>' }));
    deliver(p, '1700000002.la2.host', makeMail({ from: 'pm@riversidefm.org', subject: 'Acme Scheduler beta', body: 'Hi team,\n\nAcme Scheduler has been working as designed to our satisfaction in our beta; consider this our sign-off.\n\nPat', messageId: '<la-2@riversidefm.org>' }));
    const r = await runCountersign(['run', '--once'], p.env);
    expect(r.code, r.stderr).toBe(0);
    expect(p.query('SELECT message_id AS id, outcome, reasons FROM messages ORDER BY id')).toEqual([
      { id: '<la-1@riversidefm.org>', outcome: 'applied', reasons: '[]' },
      { id: '<la-2@riversidefm.org>', outcome: 'applied', reasons: '[]' },
    ]);
    // After the registry import's own stage event: the two the messages made.
    expect(p.query("SELECT to_stage FROM events WHERE kind = 'stage_change' ORDER BY seq").slice(-2)).toEqual([{ to_stage: 'production_approved' }, { to_stage: 'ga_signed_off' }]);
    // Recorded: no decision attempt is left counted against either message.
    expect(p.query('SELECT COUNT(*) AS n FROM message_attempts WHERE attempts > 0')).toEqual([{ n: 0 }]);
  });

  it('with moving off, marks messages Seen in cur/ of the same Maildir', async () => {
    const p = await makeProject({ COUNTERSIGN_MOVE: '0' });
    deliver(p, '1700000001.k1.host', makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL }));
    expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
    expect(list(p, 'cur')).toEqual(['1700000001.k1.host:2,S']);
    expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
    expect(p.query('SELECT COUNT(*) AS n FROM messages')).toEqual([{ n: 1 }]);
  });

  it('a delivery report about a mail Countersign sent marks that mail undelivered and raises it to staff', async () => {
    const p = await makeProject();
    const db = new Database(p.dbPath);
    const row = Number(db.prepare("INSERT INTO outbox (kind, status, created_at, message_id) VALUES ('partner_production_identifiers', 'sent', '2026-11-23T00:00:00Z', '<cs-out-77@partners.example>')").run().lastInsertRowid);
    // The report comes back to the mail's own VERP return path (the key as the daemon keeps it in `meta`).
    const key = Buffer.alloc(32, 9);
    db.prepare("INSERT INTO meta (key, value) VALUES ('verp_hmac_key', ?)").run(key.toString('hex'));
    db.close();
    const returnPath = verpAddress('apipartners@partners.example', bounceToken((m) => createHmac('sha256', key).update(m).digest(), row, '<cs-out-77@partners.example>'));
    const dsn = [
      'From: Mail Delivery Subsystem <MAILER-DAEMON@acmehealth.io>',
      `To: ${returnPath}`,
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <dsn-77@acmehealth.io>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain',
      '',
      'The mail could not be delivered.',
      '--B',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.acmehealth.io',
      '',
      'Final-Recipient: rfc822; integrations@acmehealth.io',
      'Action: failed',
      'Status: 5.1.1',
      '--B',
      'Content-Type: text/rfc822-headers',
      '',
      'From: apipartners@partners.example',
      'To: integrations@acmehealth.io',
      'Message-ID: <cs-out-77@partners.example>',
      'Subject: Production environment identifiers',
      '--B--',
      '',
    ].join('\r\n');
    deliver(p, '1700000009.dsn.host', dsn);
    expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
    expect(p.query('SELECT outcome FROM messages')).toEqual([{ outcome: 'ignored' }]);
    expect(p.query("SELECT status FROM outbox WHERE message_id = '<cs-out-77@partners.example>'")).toEqual([{ status: 'undelivered' }]);
    const flags = p.query<{ kind: string; status: string; token: string; reasons: string }>('SELECT kind, status, token, reasons FROM flags');
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ kind: 'bounce', status: 'open' });
    expect(flags[0]!.token).toMatch(/^CS-[0-9A-Z]{13}$/);
    expect(JSON.parse(flags[0]!.reasons)).toEqual([{ code: 'bounce_of_our_mail', messageId: '<cs-out-77@partners.example>' }]);
  });

  it('a flagged message opens one flag with an unguessable token and the proposed step', async () => {
    const p = await makeProject();
    deliver(p, '1700000001.f1.host', makeMail({ from: 'pm@riversidefm.org', subject: 'Production', body: 'Approved for production - go ahead.' }));
    expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
    const flags = p.query<{ proposal: string; reasons: string; expires_at: string; created_at: string }>('SELECT proposal, reasons, expires_at, created_at FROM flags');
    expect(flags).toHaveLength(1);
    expect(JSON.parse(flags[0]!.proposal)).toEqual({ step: 'production_approval', appId: 'acme-scheduler', clientId: 'riverside' });
    expect(JSON.parse(flags[0]!.reasons).map((r: { code: string }) => r.code)).toEqual(['app_inferred']);
    expect(Date.parse(flags[0]!.expires_at) - Date.parse(flags[0]!.created_at)).toBe(14 * 86_400_000);
  });
});
