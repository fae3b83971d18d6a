import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { freePort } from '../helpers/free-port.js';
import { makeKey } from '../helpers/pgp-keys.js';
import { makeProject, type Project } from '../helpers/project.js';
import { runCountersign } from '../helpers/run-cli.js';
import { startSmtpPeer } from '../helpers/smtp-peer.js';

let dovecot: Dovecot;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
beforeAll(async () => {
  dovecot = await startDovecot();
  smtp = await startSmtpPeer();
});
afterAll(async () => {
  dovecot?.destroy();
  await smtp?.close();
});

async function healthy(): Promise<{ p: Project; env: Record<string, string> }> {
  const p = await makeProject();
  const signer = await makeKey('apipartners@partners.example');
  writeFileSync(path.join(p.dir, 'signing.asc'), signer.privateKey);
  return { p, env: { ...p.env, COUNTERSIGN_IMAP_URL: dovecot.url('INBOX'), COUNTERSIGN_SMTP_URL: smtp.url, COUNTERSIGN_SIGNING_KEY: path.join(p.dir, 'signing.asc') } };
}

async function doctor(env: Record<string, string>) {
  const r = await runCountersign(['doctor', '--json'], env);
  return { code: r.code, report: JSON.parse(r.stdout) as { ok: boolean; checks: { check: string; verdict: string; detail: string; fix?: string }[] } };
}
const failed = (r: { checks: { check: string; verdict: string }[] }) => r.checks.filter((c) => c.verdict === 'fail').map((c) => c.check);

describe('countersign doctor against a real Dovecot and SMTP peer', () => {
  it('passes a healthy deployment', async () => {
    const { env } = await healthy();
    const r = await doctor(env);
    expect(failed(r.report)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.report.checks.map((c) => c.check)).toEqual(expect.arrayContaining(['configuration', 'database', 'log chain', 'imap login', 'imap idle', 'imap mailbox', 'smtp', 'signing key', 'partner key', 'registry']));
    const text = await runCountersign(['doctor'], env);
    expect(text.stdout).toMatch(/^ok {4}configuration/m);
  });

  it('names each fault with its fix: wrong password, missing mailbox, SMTP down, expired partner key', async () => {
    const { env, p } = await healthy();
    const wrongPw = await doctor({ ...env, COUNTERSIGN_IMAP_URL: dovecot.url('INBOX').replace(/:[^:@/]+@/, ':wrong@') });
    expect(failed(wrongPw.report)).toEqual(['imap login']);
    expect(wrongPw.code).toBe(1);
    const missing = await doctor({ ...env, COUNTERSIGN_IMAP_URL: dovecot.url('NoSuchBox') });
    expect(failed(missing.report)).toEqual(['imap mailbox']);
    const down = await doctor({ ...env, COUNTERSIGN_SMTP_URL: `smtp://127.0.0.1:${await freePort()}` });
    expect(failed(down.report)).toEqual(['smtp']);
    expect(down.report.checks.find((c) => c.check === 'smtp')!.fix).toContain('COUNTERSIGN_SMTP_URL');
    const db = new Database(p.dbPath);
    db.prepare("UPDATE partners SET public_key_armored = ? WHERE id = 'acme'").run((await makeKey('integrations@acmehealth.io', { expiredHoursAgo: 1 })).publicKey);
    db.close();
    const expired = await doctor(env);
    expect(failed(expired.report)).toEqual(['partner key']);
    expect(expired.report.checks.find((c) => c.check === 'partner key')!.detail).toContain('has expired');
  });
});
