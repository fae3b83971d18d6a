import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStep } from '../../src/db/approval-store.js';
import { hashCanonical } from '../../src/db/log-chain.js';
import { openDb } from '../../src/db/open-db.js';
import { makeKey } from '../helpers/pgp-keys.js';
import { makeProject } from '../helpers/project.js';
import { fileURLToPath } from 'node:url';
import { runCountersign } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The Python recipe exactly as the README documents it. */
function readmeRecipe(): string {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const m = /<!-- verify-export-recipe -->\n```python\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('the README lost its verify-export recipe');
  return m[1]!;
}

describe('a verifiable export (checked on another machine)', () => {
  const keyFile = path.join(tmpdir(), `cs-bot-export-${process.pid}.asc`);
  beforeAll(async () => writeFileSync(keyFile, (await makeKey('apipartners@partners.example')).privateKey, { mode: 0o600 }));
  afterAll(() => rmSync(keyFile, { force: true }));

  it('verifies an export with its checkpoint without the database, by Countersign and by the README recipe; rejects tampering', async () => {
    const p = await makeProject({ COUNTERSIGN_SIGNING_KEY: keyFile });
    const db = openDb(p.dbPath);
    expect(applyStep(db, { appId: 'acme-scheduler', clientId: 'riverside', step: 'production_approval', actor: 'client', actorAddress: 'pm@riversidefm.org', cause: { type: 'message', ref: '<p@riversidefm.org>' }, evidence: { matched: ['approved for production'] } }).ok).toBe(true);
    db.$client.close();
    const cp = path.join(p.dir, 'cp.json');
    const pub = path.join(p.dir, 'bot.asc');
    const exp = path.join(p.dir, 'events.json');
    expect((await runCountersign(['log', 'checkpoint', '--out', cp, '--public-key', pub], p.env)).code).toBe(0);
    expect((await runCountersign(['export', '--format', 'json', '--output', exp], p.env)).code).toBe(0);
    const events = JSON.parse(readFileSync(exp, 'utf8'));
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ seq: 1, prevHash: '0'.repeat(64), canonical: expect.stringContaining('"seq":1') });
    expect(events[2].prevHash).toBe(events[1].hash);

    // The auditor's machine: no database, no private key, another folder.
    const elsewhere = tempDir();
    const ok = await runCountersign(['log', 'verify', '--export', exp, '--checkpoint', cp, '--key', pub], {}, { cwd: elsewhere });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('export intact: 3 event(s), 1…3 from the genesis hash');
    expect(ok.stdout).toContain('the export holds event 3 with the hash signed');
    const recipe = path.join(elsewhere, 'verify.py');
    writeFileSync(recipe, readmeRecipe());
    const py = spawnSync('python3', [recipe, exp, cp], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    expect(py.status).toBe(0);
    expect(py.stdout).toContain('ok: 3 events; checkpoint at event 3 holds');

    // A readable field changed: the hash still matches canonical, but the two disagree.
    const shown = structuredClone(events);
    shown[2].actor = 'ops@partners.example';
    writeFileSync(path.join(elsewhere, 'shown.json'), JSON.stringify(shown));
    const s = await runCountersign(['log', 'verify', '--export', path.join(elsewhere, 'shown.json')], {}, { cwd: elsewhere });
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('entry 2 (event 3): its readable fields differ from the content its hash covers');

    // A rebuilt export (content and every hash recomputed): intact on its own, refused against the checkpoint.
    const rebuilt = structuredClone(events);
    let prev = '0'.repeat(64);
    for (const e of rebuilt) {
      if (e.seq === 3) {
        e.actor = 'ops@partners.example';
        e.canonical = e.canonical.replace('"actor":"pm@riversidefm.org"', '"actor":"ops@partners.example"');
      }
      e.prevHash = prev;
      e.hash = hashCanonical(prev, e.canonical);
      prev = e.hash;
    }
    const rebuiltFile = path.join(elsewhere, 'rebuilt.json');
    writeFileSync(rebuiltFile, JSON.stringify(rebuilt));
    expect((await runCountersign(['log', 'verify', '--export', rebuiltFile], {}, { cwd: elsewhere })).code).toBe(0);
    const r = await runCountersign(['log', 'verify', '--export', rebuiltFile, '--checkpoint', cp, '--key', pub, '--json'], {}, { cwd: elsewhere });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, checkpoints: [{ ok: false, message: expect.stringContaining('as signed: the log was rebuilt or its past rewritten') }] });
    expect(spawnSync('python3', [recipe, rebuiltFile, cp], { encoding: 'utf8' }).status).not.toBe(0);

    // An event removed from the middle.
    const gap = [events[0], events[2]];
    writeFileSync(path.join(elsewhere, 'gap.json'), JSON.stringify(gap));
    const g = await runCountersign(['log', 'verify', '--export', path.join(elsewhere, 'gap.json')], {}, { cwd: elsewhere });
    expect(g.code).toBe(1);
    expect(g.stderr).toContain('does not chain to event 1');
  });
});
