import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open-db.js';
import { importRegistry } from '../../src/registry/import-registry.js';
import { loadRegistry } from '../../src/registry/load-registry.js';
import { clientSchema } from '../../src/registry/registry-schema.js';
import { clearSecrets, registerSecrets, scrub, SECRET_MASK } from '../../src/secret-scrubber.js';
import { makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeProject, type Project } from '../helpers/project.js';
import { baseRegistry, goodKey, writeRegistry } from '../helpers/registry-fixture.js';
import { BIN, runCountersign, type CliRun } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

function deliver(p: Project, name: string, raw: string): void {
  const md = p.env.COUNTERSIGN_MAILDIR!;
  for (const s of ['new', 'cur', 'tmp']) mkdirSync(path.join(md, s), { recursive: true });
  writeFileSync(path.join(md, 'new', name), raw);
}

/** The real binary, killed after `ms`: a hang is a failed test with its own message, not a stuck run. */
function runWithin(ms: number, args: string[], env: Record<string, string>): Promise<CliRun & { hung: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, ms);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, hung });
    });
  });
}

describe('closed files: what Countersign creates is readable by its owner only', () => {
  it('run --once on the Maildir default leaves the database, the outbox mail and the folders it made closed to others', async () => {
    const p = await makeProject();
    deliver(p, '1700000001.m1.host', makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<closed-1@riversidefm.org>' }));
    const r = await runCountersign(['run', '--once'], p.env);
    expect(r.code, r.stderr).toBe(0);
    expect(p.query('SELECT outcome FROM messages')).toEqual([{ outcome: 'applied' }]);
    expect(mode(p.dbPath)).toBe('600');
    for (const f of [`${p.dbPath}-wal`, `${p.dbPath}-shm`]) if (existsSync(f)) expect(mode(f), f).toBe('600');
    const outbox = p.env.COUNTERSIGN_OUTBOX_DIR!;
    const mails = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    expect(mails.length).toBeGreaterThan(0);
    for (const f of mails) expect(mode(path.join(outbox, f)), f).toBe('600');
    expect(mode(outbox)).toBe('700');
    expect(mode(path.join(p.env.COUNTERSIGN_MAILDIR!, '.Countersign.Processed'))).toBe('700');
  });

  it('a database opened by the library creates its file and WAL files 0600, whatever the umask', () => {
    const dbPath = path.join(tempDir(), 'state', 'countersign.sqlite');
    const db = openDb(dbPath);
    try {
      db.$client.prepare("INSERT INTO staff (address) VALUES ('ops@partners.example')").run();
      expect(mode(dbPath)).toBe('600');
      expect(mode(`${dbPath}-wal`)).toBe('600');
      expect(mode(`${dbPath}-shm`)).toBe('600');
      expect(mode(path.dirname(dbPath))).toBe('700');
    } finally {
      db.$client.close();
    }
  });

  it('backup FILE writes a copy readable by its owner only', async () => {
    const p = await makeProject();
    const copy = path.join(p.dir, 'backup.sqlite');
    const r = await runCountersign(['backup', copy, '--json'], p.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ file: copy, events: 2 });
    expect(mode(copy)).toBe('600');
  });

  it('export --output FILE writes the audit file 0600 and refuses to overwrite one', async () => {
    const p = await makeProject();
    const file = path.join(p.dir, 'audit.csv');
    const r = await runCountersign(['export', '--output', file], p.env);
    expect(r.code, r.stderr).toBe(0);
    expect(mode(file)).toBe('600');
    expect(readFileSync(file, 'utf8')).toMatch(/^seq,at,kind,/);
    const again = await runCountersign(['export', '--output', file], p.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists; choose a new file name');
  });

  it('doctor fails on a database readable by others (0644) and says how to close it', async () => {
    const p = await makeProject();
    chmodSync(p.dbPath, 0o644);
    const r = await runCountersign(['doctor', '--json'], p.env);
    expect(r.code).toBe(1);
    const check = JSON.parse(r.stdout).checks.find((c: { check: string }) => c.check === 'database files');
    // doctor's own connection made the WAL files, with the database's (open) mode: named in the fix too.
    expect(check).toMatchObject({ verdict: 'fail', fix: `chmod 600 ${p.dbPath} ${p.dbPath}-wal ${p.dbPath}-shm` });
    expect(check.detail).toContain(`${p.dbPath} is 644`);
  });

  it('doctor fails on a database folder open to others (0755) and passes once it is 0700', async () => {
    const p = await makeProject();
    chmodSync(p.dir, 0o755);
    const open = await runCountersign(['doctor', '--json'], p.env);
    const check = JSON.parse(open.stdout).checks.find((c: { check: string }) => c.check === 'database files');
    expect(check).toMatchObject({ verdict: 'fail', fix: `chmod 700 ${p.dir}` });
    chmodSync(p.dir, 0o700);
    const closed = await runCountersign(['doctor', '--json'], p.env);
    expect(JSON.parse(closed.stdout).checks.find((c: { check: string }) => c.check === 'database files')).toMatchObject({ verdict: 'ok' });
  });
});

describe('safe identifiers: masked exactly in every output form', () => {
  afterEach(() => clearSecrets());

  it('an identifier JSON would escape (RFM"PROD\\7731) is refused by the import, one problem line per entry', async () => {
    const reg = baseRegistry();
    reg.clients[0].productionEnvironmentIds = ['RFM"PROD\\7731'];
    reg.clients[1].testEnvironmentIds = ['LKP TEST 0042'];
    const dir = tempDir();
    const file = await writeRegistry(reg, { dir });
    const r = await runCountersign(['registry', 'import', file], { COUNTERSIGN_DB: path.join(dir, 'db.sqlite') });
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(lines).toEqual([
      `error: ${file}: clients[0] (riverside) → productionEnvironmentIds[0]: must be 4 to 200 characters, only letters, digits and - _ . : / (so it can be masked in every output)`,
      `error: ${file}: clients[1] (lakeside) → testEnvironmentIds[0]: must be 4 to 200 characters, only letters, digits and - _ . : / (so it can be masked in every output)`,
    ]);
    expect(r.stderr).toContain('nothing was written');
  });

  it('doctor fails, naming the client only, when the database holds an identifier imported before the safe set', async () => {
    const p = await makeProject();
    const db = openDb(p.dbPath);
    db.$client.prepare(`UPDATE clients SET production_environment_ids = ? WHERE id = 'riverside'`).run(JSON.stringify(['RFM"PROD\\7731']));
    db.$client.close();
    const r = await runCountersign(['doctor', '--json'], p.env);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).checks.find((c: { check: string }) => c.check === 'identifiers')).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('client(s) riverside hold an identifier') });
    expect(r.stdout).not.toContain('7731');
  });

  it('the scrubber masks an identifier in its JSON-escaped spellings (\\", \\\\ and \\/)', () => {
    registerSecrets(['RFM"PROD\\7731', 'RFM/PROD/7731']);
    const json = JSON.stringify({ subject: 'about RFM"PROD\\7731 and RFM/PROD/7731' });
    expect(scrub(json)).toBe(JSON.stringify({ subject: `about ${SECRET_MASK} and ${SECRET_MASK}` }));
    // RFC 8259 lets an encoder write "/" as "\/" (PHP and others do).
    expect(scrub('{"id":"RFM\\/PROD\\/7731"}')).toBe(`{"id":"${SECRET_MASK}"}`);
  });

  it('an identifier a client wrote in its own mail never shows unmasked in flags, status, log or export', async () => {
    const id = 'RFM/PROD:77.31';
    const reg = baseRegistry();
    reg.clients[0].productionEnvironmentIds = [id];
    const p = await makeProject({}, reg);
    deliver(p, '1700000001.a.host', makeMail({ subject: `Acme Scheduler go-live ${id}`, body: `Hi team,\n\nAcme Scheduler is approved for production on ${id} - go ahead.\n\nPat` }));
    deliver(p, '1700000002.b.host', makeMail({ auth: null, subject: `Our production id is ${id}`, body: `Acme Scheduler is approved for production (${id}).` }));
    expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
    expect(p.query('SELECT outcome FROM messages ORDER BY id')).toEqual([{ outcome: 'applied' }, { outcome: 'flagged' }]);
    const file = path.join(p.dir, 'audit.json');
    const outputs: Record<string, string> = {};
    for (const args of [['flags', '--json'], ['status', '--json'], ['log', '--json'], ['export'], ['export', '--format', 'json'], ['export', '--format', 'json', '--output', file]]) {
      const r = await runCountersign(args, p.env);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      outputs[args.join(' ')] = r.stdout + r.stderr;
    }
    outputs['audit file'] = readFileSync(file, 'utf8');
    for (const [what, text] of Object.entries(outputs)) {
      expect(text, what).not.toContain(id);
      expect(text, what).not.toContain(id.replaceAll('/', '\\/'));
    }
    // The identifier was there to leak: the flag's subject holds it, masked.
    const flagged = JSON.parse(outputs['flags --json']!).find((f: { kind: string }) => f.kind === 'message');
    expect(flagged.subject).toBe(`Our production id is ${SECRET_MASK}`);
    const shown = await runCountersign(['flags', 'show', String(flagged.id), '--json'], p.env);
    expect(shown.stdout).not.toContain(id);
    expect(JSON.parse(shown.stdout).subject).toBe(`Our production id is ${SECRET_MASK}`);
  });
});

describe('registry robustness', () => {
  it('a YAML alias bomb is refused with a clear error, exit 2, no stack trace', async () => {
    const dir = tempDir();
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const file = path.join(dir, 'registry.yaml');
    writeFileSync(file, `${levels.join('\n')}\nstaff: *i\n`);
    const r = await runWithin(20_000, ['registry', 'import', file], { COUNTERSIGN_DB: path.join(dir, 'db.sqlite') });
    expect(r.hung).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${file}: (file): not usable YAML: Excessive alias count`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a registry file over the size cap is refused before it is parsed', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'registry.yaml');
    writeFileSync(file, 'staff: []\n');
    truncateSync(file, 10 * 1024 * 1024 + 1);
    const r = await runCountersign(['registry', 'import', file], { COUNTERSIGN_DB: path.join(dir, 'db.sqlite') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${file}: (file): cannot read the file: it is 10485761 bytes, over the 10485760-byte limit`);
  });

  it('a FIFO as a partner key path is a problem line, not a hang', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'keys'));
    expect(spawnSync('mkfifo', [path.join(dir, 'keys', 'acme.asc')]).status).toBe(0);
    const file = await writeRegistry(baseRegistry(), { dir, keys: {} });
    // --strict: an unreadable key is then a problem that stops the import (exit 2), not a skipped partner (exit 3).
    const r = await runWithin(15_000, ['registry', 'import', file, '--strict'], { COUNTERSIGN_DB: path.join(dir, 'db.sqlite') });
    expect(r.hung, 'the import hung reading the FIFO').toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${file}: partners[0] (acme) → publicKey: cannot read key file keys/acme.asc: is a named pipe (FIFO), not a regular file`);
  });

  it('a folder, a device or an oversized file as a key path is each a problem line', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'keys', 'folder.asc'), { recursive: true });
    writeFileSync(path.join(dir, 'keys', 'huge.asc'), (await goodKey()).publicKey);
    truncateSync(path.join(dir, 'keys', 'huge.asc'), 1024 * 1024 + 1);
    const reg = baseRegistry();
    reg.partners = [
      { id: 'acme', name: 'Acme', contact: 'a@acme.example', publicKey: 'keys/folder.asc' },
      { id: 'devnull', name: 'Dev Null', contact: 'a@null.example', publicKey: '/dev/null' },
      { id: 'huge', name: 'Huge', contact: 'a@huge.example', publicKey: 'keys/huge.asc' },
    ];
    const r = await loadRegistry(await writeRegistry(reg, { dir, keys: {} }));
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems.filter((x) => x.field === 'publicKey').map((x) => `${x.entry}: ${x.message}`);
    expect(problems.sort()).toEqual([
      'partners[0] (acme): cannot read key file keys/folder.asc: is a folder, not a file',
      'partners[1] (devnull): cannot read key file /dev/null: is a device, not a regular file',
      'partners[2] (huge): cannot read key file keys/huge.asc: is 1048577 bytes, over the 1048576-byte limit',
    ]);
  });

  it('an import of 40,000 clients, and its re-import, run in bounded SQL batches', async () => {
    const small = await loadRegistry(await writeRegistry());
    if (!small.ok) throw new Error('fixture registry invalid');
    const clients = Array.from({ length: 40_000 }, (_, i) =>
      clientSchema.parse({ id: `c${i}`, name: `Client ${i}`, domains: [`c${i}.example`], testEnvironmentIds: [`C${i}-TEST`], productionEnvironmentIds: [`C${i}-PROD`] }),
    );
    const reg = { ...small.registry, data: { ...small.registry.data, clients: [...small.registry.data.clients, ...clients] } };
    const db = openDb(':memory:');
    try {
      expect(importRegistry(db, reg, { actor: 'operator:test' }).clients).toEqual({ added: 40_002, updated: 0 });
      // The re-import replaces every client's domains: the statement that passed SQLite's variable limit.
      expect(importRegistry(db, reg, { actor: 'operator:test' }).clients).toEqual({ added: 0, updated: 40_002 });
      expect(db.$client.prepare('SELECT COUNT(*) AS n FROM client_domains').get()).toEqual({ n: 40_002 });
      expect(db.$client.prepare("SELECT client_id FROM client_domains WHERE domain = 'c39999.example'").get()).toEqual({ client_id: 'c39999' });
    } finally {
      db.$client.close();
      clearSecrets();
    }
  }, 60_000);
});
