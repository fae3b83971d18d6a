import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { dateIn, gpgKey, openpgpKey } from '../helpers/expiring-keys.js';
import { makeProject, type Project } from '../helpers/project.js';
import { runCountersign } from '../helpers/run-cli.js';

/**
 * Issue 14, item 6: `keys check` and `doctor` warn 30 days ahead when a partner's encryption subkey
 * or the bot's signing key will expire, naming the key and the date — the real binary, real keys.
 */
const CONTACT = 'integrations@acmehealth.io';

function setPartnerKey(p: Project, armored: string): void {
  const db = new Database(p.dbPath);
  db.prepare("UPDATE partners SET public_key_armored = ? WHERE id = 'acme'").run(armored);
  db.close();
}

function withBotKey(p: Project, armoredPrivate: string): Record<string, string> {
  const file = path.join(p.dir, 'signing.asc');
  writeFileSync(file, armoredPrivate, { mode: 0o600 });
  return { ...p.env, COUNTERSIGN_SIGNING_KEY: file };
}

interface KeysJson {
  ok: boolean;
  partners: { partner: string; expiresAt: string | null; expiringKey: { role: string; keyId: string; fingerprint: string } | null; primaryExpiresAt: string | null; daysLeft: number | null; canEncrypt: boolean; problem: string | null; warning: string | null }[];
  botKey: { file: string | null; expiresAt: string | null; expiringKey: { role: string; keyId: string; fingerprint: string } | null; daysLeft: number | null; canSign: boolean; problem: string | null; warning: string | null };
  warnings: string[];
}

async function keysCheckJson(env: Record<string, string>): Promise<{ code: number | null; report: KeysJson }> {
  const r = await runCountersign(['keys', 'check', '--json'], env);
  return { code: r.code, report: JSON.parse(r.stdout) as KeysJson };
}

describe('keys check: the expiry of the key that encrypts, not only the primary key', () => {
  it('an encryption subkey expiring in 10 days under a primary that never expires: warned by name and date, exit 0', async () => {
    const p = await makeProject();
    const k = await gpgKey(CONTACT, 'encr', 10);
    setPartnerKey(p, k.publicKey);
    const keyId = k.subkeyFingerprint!.slice(-16);
    const sentence = `encryption subkey ${keyId} of partner acme expires on ${dateIn(10)} (10 days)`;

    const text = await runCountersign(['keys', 'check'], p.env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`acme\\s+${k.fingerprint}\\s+${dateIn(10)}T\\S+\\s+yes\\s+1\\s+${sentence.replace(/[()]/g, '\\$&')}`));
    expect(text.stdout).not.toMatch(/acme.*never/);
    expect(text.stderr).toContain(`warning: ${sentence}; ask ${CONTACT} for a renewed key`);

    const { code, report } = await keysCheckJson(p.env);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.partners[0]).toMatchObject({
      partner: 'acme',
      expiresAt: expect.stringMatching(new RegExp(`^${dateIn(10)}T`)),
      expiringKey: { role: 'encryption subkey', keyId, fingerprint: k.subkeyFingerprint },
      primaryExpiresAt: null,
      daysLeft: 10,
      canEncrypt: true,
      problem: null,
      warning: sentence,
    });
    expect(report.warnings).toEqual([expect.stringContaining(sentence)]);
  });

  it('a subkey expiring in 40 days is listed with its date and not warned about', async () => {
    const p = await makeProject();
    setPartnerKey(p, (await openpgpKey(CONTACT, { subkeyDays: 40 })).publicKey);
    const text = await runCountersign(['keys', 'check'], p.env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(dateIn(40));
    expect(text.stderr).not.toContain('warning');
    const { report } = await keysCheckJson(p.env);
    expect(report.partners[0]).toMatchObject({ daysLeft: 40, canEncrypt: true, warning: null, expiringKey: { role: 'encryption subkey' } });
    expect(report.warnings).toEqual([]);
  });

  it('an encryption subkey that already expired: unusable, naming the subkey and when it lapsed, exit 1 (one JSON document)', async () => {
    const p = await makeProject();
    const k = await openpgpKey(CONTACT, { subkeyDays: 1, createdDaysAgo: 3 });
    setPartnerKey(p, k.publicKey);
    const lapsed = `encryption subkey ${k.subkeyFingerprint!.slice(-16)} of partner acme expired on ${dateIn(-2)}`;
    const text = await runCountersign(['keys', 'check'], p.env);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/acme\s+[0-9A-F]{40}\s+\S+\s+NO\s+1/);
    expect(text.stderr).toContain(lapsed);
    expect(text.stderr).toContain('identifiers for these partners will be held');
    const { code, report } = await keysCheckJson(p.env);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.partners[0]).toMatchObject({ canEncrypt: false, daysLeft: null, warning: null, problem: expect.stringContaining(lapsed) });
  });
});

describe("the bot's signing key", () => {
  it('a signing subkey expiring in 10 days: keys check warns naming it; doctor warns with the fix, and exits 0 on warnings', async () => {
    const p = await makeProject();
    const bot = await gpgKey('apipartners@partners.example', 'sign', 10);
    const env = withBotKey(p, bot.privateKey);
    const sentence = `signing subkey ${bot.subkeyFingerprint!.slice(-16)} of the bot (COUNTERSIGN_SIGNING_KEY) expires on ${dateIn(10)} (10 days)`;

    const text = await runCountersign(['keys', 'check'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`bot key: ${bot.fingerprint}, signing expires ${dateIn(10)}`);
    expect(text.stderr).toContain(`warning: ${sentence}; extend it (\`gpg --quick-set-expire ${bot.fingerprint} 1y ${bot.subkeyFingerprint}\``);
    const { report } = await keysCheckJson(env);
    expect(report.botKey).toMatchObject({ canSign: true, daysLeft: 10, warning: sentence, expiringKey: { role: 'signing subkey', fingerprint: bot.subkeyFingerprint } });
    expect(report.partners[0]!.warning).toBeNull();

    const doc = await runCountersign(['doctor', '--json'], env);
    const checks = (JSON.parse(doc.stdout) as { checks: { check: string; verdict: string; detail: string; fix?: string }[] }).checks;
    expect(checks.find((c) => c.check === 'signing key')).toEqual({
      check: 'signing key',
      verdict: 'warn',
      detail: `loads and can sign (${bot.fingerprint}), but ${sentence}`,
      fix: expect.stringContaining(`gpg --quick-set-expire ${bot.fingerprint} 1y ${bot.subkeyFingerprint}`),
    });
    expect(checks.filter((c) => c.verdict === 'fail')).toEqual([]);
    expect(doc.code).toBe(0);
    expect((await runCountersign(['doctor'], env)).stdout).toMatch(/^WARN {2}signing key {6}loads and can sign .* expires on /m);
  });

  it('doctor warns about a partner encryption subkey expiring in 10 days; a key good for a year is ok', async () => {
    const p = await makeProject();
    const env = withBotKey(p, (await openpgpKey('apipartners@partners.example', { primaryDays: 365 })).privateKey);
    const k = await gpgKey(CONTACT, 'encr', 10);
    setPartnerKey(p, k.publicKey);
    const doc = await runCountersign(['doctor', '--json'], env);
    const checks = (JSON.parse(doc.stdout) as { checks: { check: string; verdict: string; detail: string; fix?: string }[] }).checks;
    expect(checks.find((c) => c.check === 'partner key')).toEqual({
      check: 'partner key',
      verdict: 'warn',
      detail: `acme: encryption subkey ${k.subkeyFingerprint!.slice(-16)} of partner acme expires on ${dateIn(10)} (10 days)`,
      fix: `ask ${CONTACT} for a renewed key (or a later expiry) and import it with \`countersign registry import\``,
    });
    expect(checks.find((c) => c.check === 'signing key')).toMatchObject({ verdict: 'ok', detail: expect.stringContaining(`until ${dateIn(365)}`) });
    expect(doc.code).toBe(0);
  });

  it('an expired bot key: keys check says it cannot sign and exits 1; none configured is said, not failed', async () => {
    const p = await makeProject();
    const expired = await openpgpKey('apipartners@partners.example', { primaryDays: 1, createdDaysAgo: 3 });
    const r = await runCountersign(['keys', 'check'], withBotKey(p, expired.privateKey));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot sign: primary key ${expired.fingerprint.slice(-16)} of the bot (COUNTERSIGN_SIGNING_KEY) expired on ${dateIn(-2)}`);
    const none = await runCountersign(['keys', 'check'], p.env);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('bot key: not configured');
  });
});

describe('the daemon', () => {
  it('run --once mails staff the daily digest naming the expiring encryption subkey (Maildir, outbox files)', async () => {
    const p = await makeProject();
    const k = await gpgKey(CONTACT, 'encr', 10);
    setPartnerKey(p, k.publicKey);
    const r = await runCountersign(['run', '--once'], p.env);
    expect(r.code, r.stderr).toBe(0);
    const dir = p.env.COUNTERSIGN_OUTBOX_DIR!;
    const mails = await Promise.all(readdirSync(dir).map((f) => simpleParser(readFileSync(path.join(dir, f)))));
    const digest = mails.find((m) => m.subject === '0 flagged item(s) still waiting for staff; 1 key(s) expiring within 30 days');
    expect(digest, mails.map((m) => m.subject).join('\n')).toBeDefined();
    expect(digest!.to).toMatchObject({ text: 'ops@partners.example' });
    expect(digest!.text).toContain(`encryption subkey ${k.subkeyFingerprint!.slice(-16)} of partner acme expires on ${dateIn(10)} (10 days)`);
  });
});
