import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyStep } from '../../src/db/approval-store.js';
import { chainHash, GENESIS_HASH, type ChainRow } from '../../src/db/log-chain.js';
import { openDb } from '../../src/db/open-db.js';
import { makeKey, type TestKey } from '../helpers/pgp-keys.js';
import { makeProject, type Project } from '../helpers/project.js';
import { runCountersign } from '../helpers/run-cli.js';

/**
 * What someone with write access and no secret can do (the "20 lines of Python"): drop the
 * guards, rewrite an old event, and recompute every later hash and the head, so the chain is intact.
 */
function rebuildChainWithEdit(dbPath: string, seq: number): void {
  const db = openDb(dbPath);
  const c = db.$client;
  c.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;');
  c.prepare("UPDATE events SET actor = 'mallory@evil.example' WHERE seq = ?").run(seq);
  const rows = c
    .prepare(
      `SELECT seq, at, kind, integration_id AS integrationId, app_id AS appId, client_id AS clientId, from_stage AS fromStage, to_stage AS toStage,
              cause_type AS causeType, cause_ref AS causeRef, actor, evidence, prev_hash AS prevHash, hash FROM events ORDER BY seq`,
    )
    .all() as ChainRow[];
  let prev = GENESIS_HASH;
  for (const r of rows) {
    const hash = chainHash(prev, r);
    c.prepare('UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, hash, r.seq);
    prev = hash;
  }
  c.prepare('UPDATE log_head SET hash = ? WHERE id = 1').run(prev);
  c.close();
}

function gpgVerify(publicKeyFile: string, file: string): { status: number | null; out: string } {
  const home = mkdtempSync(path.join(tmpdir(), 'cs-auditor-'));
  chmodSync(home, 0o700);
  const env = { ...process.env, GNUPGHOME: home };
  try {
    execFileSync('gpg', ['--batch', '--import', publicKeyFile], { env, stdio: 'ignore' });
    const r = spawnSync('gpg', ['--batch', '--status-fd', '1', '--verify', `${file}.asc`, file], { env, encoding: 'utf8' });
    return { status: r.status, out: r.stdout };
  } finally {
    spawnSync('gpgconf', ['--kill', 'all'], { env, stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  }
}

describe('signed checkpoints (the real binary and GnuPG)', () => {
  let bot: TestKey;
  let p: Project;
  const keyFile = path.join(tmpdir(), `cs-bot-${process.pid}.asc`);
  beforeAll(async () => {
    bot = await makeKey('apipartners@partners.example');
    writeFileSync(keyFile, bot.privateKey, { mode: 0o600 });
  });
  // A fresh deployment per test: temp folders are removed after each one.
  beforeEach(async () => {
    p = await makeProject({ COUNTERSIGN_SIGNING_KEY: keyFile });
  });
  afterAll(() => rmSync(keyFile, { force: true }));

  it("signs the head as the bot: gpg --verify accepts it with the bot's public key alone", async () => {
    const cp = path.join(p.dir, 'cp-1.json');
    const pub = path.join(p.dir, 'bot-public.asc');
    const r = await runCountersign(['log', 'checkpoint', '--out', cp, '--public-key', pub], p.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(cp, 'utf8'));
    expect(doc).toMatchObject({ format: 'countersign-checkpoint/1', seq: 2, count: 2, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(readFileSync(`${cp}.asc`, 'utf8')).toMatch(/^-----BEGIN PGP SIGNATURE-----/);
    const g = gpgVerify(pub, cp);
    expect(g.status, g.out).toBe(0);
    expect(g.out).toContain(`VALIDSIG ${doc.signer}`);
    expect(g.out).toContain('GOODSIG');
    // An edited checkpoint file no longer verifies, with GnuPG or with Countersign.
    writeFileSync(cp, readFileSync(cp, 'utf8').replace(`"seq":2`, `"seq":1`));
    expect(gpgVerify(pub, cp).status).not.toBe(0);
    const v = await runCountersign(['log', 'verify', '--checkpoint', cp], p.env);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain("the signature does not verify with the bot's key");
  });

  it('accepts a log that grew since the checkpoint and rejects a rebuilt chain that log verify alone calls intact', async () => {
    const cp = path.join(p.dir, 'cp-2.json');
    expect((await runCountersign(['log', 'checkpoint', '--out', cp], p.env)).code).toBe(0);
    const db = openDb(p.dbPath);
    expect(applyStep(db, { appId: 'acme-scheduler', clientId: 'riverside', step: 'production_approval', actor: 'client', actorAddress: 'pm@riversidefm.org', cause: { type: 'message', ref: '<p@riversidefm.org>' }, evidence: {} }).ok).toBe(true);
    db.$client.close();
    const grown = await runCountersign(['log', 'verify', '--checkpoint', cp], p.env);
    expect(grown.stderr).toBe('');
    expect(grown.code).toBe(0);
    expect(grown.stdout).toContain(`checkpoint ${cp}: the log extends the checkpoint at event 2`);

    rebuildChainWithEdit(p.dbPath, 1);
    const alone = await runCountersign(['log', 'verify'], p.env);
    expect(alone.code).toBe(0); // the chain needs no secret: a rebuilt one is self-consistent
    const against = await runCountersign(['log', 'verify', '--checkpoint', cp], p.env);
    expect(against.code).toBe(1);
    expect(against.stderr).toMatch(/checkpoint .*cp-2\.json: event 2 now hashes to [0-9a-f]{16}…, not [0-9a-f]{16}… as signed: the log was rebuilt or its past rewritten/);
    const json = await runCountersign(['log', 'verify', '--json', '--checkpoint', cp], p.env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, checkpoints: [{ file: cp, ok: false, message: expect.stringContaining('rebuilt') }] });
  });

  it('says which file or variable is missing, with exit 2', async () => {
    const missing = await runCountersign(['log', 'verify', '--checkpoint', path.join(p.dir, 'nope.json'), '--json'], p.env);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout).error).toEqual({ code: 'invalid_input', message: expect.stringContaining('nope.json') });
    const { COUNTERSIGN_SIGNING_KEY: _unused, ...withoutKey } = p.env;
    const noKey = await runCountersign(['log', 'checkpoint'], withoutKey);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('COUNTERSIGN_SIGNING_KEY: is not set');
    expect(noKey.stderr).not.toMatch(/^\s+at /m);
    const cp = path.join(p.dir, 'cp-1.json');
    expect((await runCountersign(['log', 'checkpoint', '--out', cp], p.env)).code).toBe(0);
    expect(existsSync(`${cp}.asc`)).toBe(true);
    const exists = await runCountersign(['log', 'checkpoint', '--out', cp], p.env);
    expect(exists.code).toBe(2);
    expect(exists.stderr).toContain(`${cp} exists`);
  });

  it('the daemon writes one checkpoint a day and mails it to COUNTERSIGN_AUDIT_TO, once', async () => {
    const env = { ...p.env, COUNTERSIGN_AUDIT_TO: 'auditor@audit.example' };
    const first = await runCountersign(['run', '--once'], env);
    expect(first.code, first.stderr).toBe(0);
    const day = new Date().toISOString().slice(0, 10);
    const cp = path.join(p.dir, 'checkpoints', `checkpoint-${day}.json`);
    expect(JSON.parse(readFileSync(cp, 'utf8'))).toMatchObject({ seq: 2, count: 2 });
    const pub = path.join(p.dir, 'bot-public.asc');
    writeFileSync(pub, bot.publicKey);
    expect(gpgVerify(pub, cp).status).toBe(0);
    expect((await runCountersign(['log', 'verify', '--checkpoint', cp], p.env)).code).toBe(0);
    const mails = readdirSync(path.join(p.dir, 'outbox')).filter((f) => f.startsWith('checkpoint-'));
    expect(mails).toEqual([`checkpoint-${day}.eml`]);
    const mail = readFileSync(path.join(p.dir, 'outbox', mails[0]!), 'utf8');
    expect(mail).toMatch(/^To: auditor@audit\.example\r?$/m);
    expect(mail).toContain(`filename=checkpoint-${day}.json.asc`);
    expect(mail).toContain('application/pgp-signature');
    const second = await runCountersign(['run', '--once'], env);
    expect(second.code).toBe(0);
    expect(readdirSync(path.join(p.dir, 'outbox')).filter((f) => f.startsWith('checkpoint-'))).toHaveLength(1);
  });
});
