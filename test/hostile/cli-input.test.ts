import { closeSync, openSync, truncateSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMessageFile } from '../../src/cli/read-message-file.js';
import { makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeProject } from '../helpers/project.js';
import { writeRegistry } from '../helpers/registry-fixture.js';
import { runCountersign } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const ME = `operator:${userInfo().username}`;

describe('classify applies the daemon size cap', () => {
  it('a file over COUNTERSIGN_MAX_MESSAGE_BYTES is flagged too_large, not classified', async () => {
    const p = await makeProject({ COUNTERSIGN_MAX_MESSAGE_BYTES: '4096' });
    const big = path.join(p.dir, 'big.eml');
    // A clean production approval from a verified client: under the cap it would be applied.
    writeFileSync(big, makeMail({ body: `${PRODUCTION_APPROVAL}\n\n${'padding line\n'.repeat(400)}` }));
    const small = path.join(p.dir, 'small.eml');
    writeFileSync(small, makeMail({ body: PRODUCTION_APPROVAL }));
    const r = await runCountersign(['classify', '--json', big, small], p.env);
    expect(r.code, r.stderr).toBe(0);
    const [bigLine, smallLine] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(bigLine).toEqual({ file: big, intent: 'other', app: null, client: null, sender: 'unknown', automated: false, decision: 'flag', confidence: 0, reasons: ['too_large'] });
    expect(smallLine).toMatchObject({ decision: 'apply', reasons: [] });
    const text = await runCountersign(['classify', big], p.env);
    expect(text.stdout + text.stderr).toMatch(/The message is \d+ bytes, over the 4096-byte limit; it was recorded but not read\./);
  });

  it('reading a message file keeps at most the cap plus one byte, whatever the file size', async () => {
    const file = path.join(tempDir(), 'huge.eml');
    closeSync(openSync(file, 'w'));
    truncateSync(file, 64 * 1024 * 1024);
    const r = await readMessageFile(file, 1001);
    expect(r.raw.length).toBe(1001);
    expect(r.size).toBe(64 * 1024 * 1024);
    const exact = path.join(tempDir(), 'exact.eml');
    writeFileSync(exact, 'x'.repeat(1000));
    expect(await readMessageFile(exact, 1001)).toMatchObject({ size: 1000, raw: Buffer.from('x'.repeat(1000)) });
  });
});

describe('actor options accept only staff addresses or the operator’s own name', () => {
  it('integration withdraw --by free text is refused with exit 2 saying what is accepted, and changes nothing', async () => {
    const p = await makeProject();
    for (const by of ['the CEO said so', 'ops@partners.example\r\nactor: forged', 'dev@acmehealth.io', 'operator:someone-else']) {
      const r = await runCountersign(['integration', 'withdraw', '--app', 'acme-scheduler', '--client', 'riverside', '--by', by], p.env);
      expect(r.code, by).toBe(2);
      expect(r.stderr).toContain(`is not a staff address in the registry; accepted: a staff address from the registry (ops@partners.example) or your own operator name, ${ME}`);
      expect(r.stderr).not.toContain('\r');
    }
    expect(p.query("SELECT stage FROM integrations WHERE client_id = 'riverside'")).toEqual([{ stage: 'beta_consented' }]);
    expect(p.query('SELECT COUNT(*) AS n FROM events')).toEqual([{ n: 2 }]);
  });

  it('integration withdraw records a staff address or the operator’s own name as the actor', async () => {
    const p = await makeProject();
    const byOperator = await runCountersign(['integration', 'withdraw', '--app', 'acme-scheduler', '--client', 'riverside', '--by', ME], p.env);
    expect(byOperator.code, byOperator.stderr).toBe(0);
    const log = JSON.parse((await runCountersign(['log', '--json'], p.env)).stdout);
    expect(log.at(-1)).toMatchObject({ kind: 'stage_change', to: 'withdrawn', actor: ME });
  });

  it('app declare-ga and flags approve/reject --by a non-staff value exit 2 naming the staff addresses', async () => {
    const p = await makeProject();
    const runs = [
      ['app', 'declare-ga', 'acme-scheduler', '--by', 'dev@acmehealth.io'],
      ['app', 'declare-ga', 'acme-scheduler', '--by', ME],
      ['flags', 'approve', '1', '--by', 'dev@acmehealth.io'],
      ['flags', 'reject', '1', '--by', 'somebody'],
    ];
    for (const args of runs) {
      const r = await runCountersign(args, p.env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('is not a staff address in the registry; accepted: a staff address from the registry (ops@partners.example)');
      expect(r.stderr).not.toContain('operator name');
    }
  });

  it('registry import --by accepts a staff address of the file being imported or the operator’s name, nothing else', async () => {
    const dir = tempDir();
    const file = await writeRegistry(undefined, { dir });
    const env = { COUNTERSIGN_DB: path.join(dir, 'db.sqlite') };
    const bad = await runCountersign(['registry', 'import', file, '--by', 'Mallory <m@evil.example>'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`accepted: a staff address from the registry (ops@partners.example) or your own operator name, ${ME}`);
    expect((await runCountersign(['registry', 'import', file, '--by', 'OPS@partners.example'], env)).code).toBe(0);
    expect((await runCountersign(['registry', 'import', file], env)).code).toBe(0);
    const log = JSON.parse((await runCountersign(['log', '--json'], env)).stdout).filter((e: { kind: string }) => e.kind === 'registry_import');
    expect(log.map((e: { actor: string }) => e.actor)).toEqual(['ops@partners.example', ME]);
  });
});
