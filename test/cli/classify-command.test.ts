import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeProject } from '../helpers/project.js';
import { runCountersign } from '../helpers/run-cli.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/decisions/', import.meta.url));

describe('countersign classify', () => {
  it('prints one JSON line per file with the documented fields, and changes nothing', async () => {
    const p = await makeProject();
    const bad = path.join(p.dir, 'garbage.eml');
    writeFileSync(bad, Buffer.from([0, 1, 2, 3, 255, 254, 10, 13]));
    const files = [`${FIXTURES}apply-production-1-plain.eml`, `${FIXTURES}ignore-outlook-ooo.eml`, `${FIXTURES}flag-lookalike-edit.eml`, bad];
    const r = await runCountersign(['classify', '--json', ...files], p.env);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(Object.keys(l).sort()).toEqual(['app', 'automated', 'client', 'confidence', 'decision', 'file', 'intent', 'reasons', 'sender'].sort());
    expect(lines[0]).toMatchObject({ decision: 'apply', intent: 'production_approval', app: 'acme-scheduler', client: 'riverside', sender: 'verified', automated: false, reasons: [] });
    expect(lines[1]).toMatchObject({ decision: 'ignore', automated: true });
    expect(lines[2]).toMatchObject({ decision: 'flag', sender: 'unknown', reasons: ['sender_lookalike_domain'] });
    expect(lines[3]).toMatchObject({ file: bad, decision: 'flag' });
    expect(p.query('SELECT COUNT(*) AS n FROM messages')).toEqual([{ n: 0 }]);
    expect(p.query("SELECT stage FROM integrations WHERE client_id = 'riverside'")).toEqual([{ stage: 'beta_consented' }]);
  });

  it('explains each decision in plain words without --json', async () => {
    const p = await makeProject();
    const r = await runCountersign(['classify', `${FIXTURES}flag-conditional-once.eml`], p.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('FLAG production_approval acme-scheduler at riverside');
    expect(r.stdout).toContain('Not an approval: the sentence is conditional ("once"');
  });

  it('exits non-zero only when a file cannot be opened at all', async () => {
    const p = await makeProject();
    const r = await runCountersign(['classify', '--json', `${FIXTURES}apply-production-1-plain.eml`, '/nonexistent/x.eml'], p.env);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('cannot open /nonexistent/x.eml: ENOENT');
  });
});
