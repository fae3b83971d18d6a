import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseRegistry, TEST_IDS, writeRegistry } from '../helpers/registry-fixture.js';
import { runCountersign } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { openDb } from '../../src/db/open-db.js';
import { applyStep } from '../../src/db/approval-store.js';

async function setup(): Promise<{ env: Record<string, string>; file: string; dbPath: string }> {
  const dir = tempDir();
  const dbPath = path.join(dir, 'nested', 'cs.sqlite');
  const file = await writeRegistry(baseRegistry(), { dir });
  return { env: { COUNTERSIGN_DB: dbPath }, file, dbPath };
}

const noSecrets = (text: string) => {
  for (const id of TEST_IDS) expect(text).not.toContain(id);
};

describe('countersign CLI (the real binary)', () => {
  it('prints help for the program and for every command', async () => {
    const top = await runCountersign(['--help'], {});
    expect(top.code).toBe(0);
    for (const cmd of ['status', 'log', 'registry', 'app', 'integration']) expect(top.stdout).toContain(cmd);
    for (const cmd of [['status'], ['log'], ['log', 'verify'], ['registry', 'import'], ['registry', 'export'], ['app', 'declare-ga'], ['integration', 'withdraw']]) {
      const r = await runCountersign([...cmd, '--help'], {});
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: countersign /);
    }
  });

  it('imports a registry into a new database folder, then status --json has the documented shape', async () => {
    const { env, file } = await setup();
    const imp = await runCountersign(['registry', 'import', file], env);
    expect(imp.stderr).toBe('');
    expect(imp.code).toBe(0);
    expect(imp.stdout).toContain('2 added');
    const st = await runCountersign(['status', '--json'], env);
    expect(st.code).toBe(0);
    const rows = JSON.parse(st.stdout);
    expect(rows).toEqual([
      { app: 'acme-scheduler', appName: 'Acme Scheduler', client: 'riverside', clientName: 'Riverside Family Medicine', partner: 'acme', stage: 'beta_consented', since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    ]);
    const table = await runCountersign(['status'], env);
    expect(table.stdout).toMatch(/^APP\s+CLIENT\s+STAGE\s+SINCE/);
    expect(table.stdout).toContain('beta_consented');
    noSecrets(imp.stdout + imp.stderr + st.stdout + table.stdout);
  });

  it('log --json lists every event with stable fields, filters by app, client and since', async () => {
    const { env, file, dbPath } = await setup();
    await runCountersign(['registry', 'import', file], env);
    const db = openDb(dbPath);
    applyStep(db, { appId: 'acme-scheduler', clientId: 'riverside', step: 'production_approval', actor: 'client', actorAddress: 'pm@riversidefm.org', cause: { type: 'message', ref: '<p1@riversidefm.org>' }, evidence: { matched: ['approved for production'] } });
    db.$client.close();
    const all = JSON.parse((await runCountersign(['log', '--json'], env)).stdout);
    expect(all.map((e: any) => e.kind)).toEqual(['stage_change', 'registry_import', 'stage_change']);
    expect(Object.keys(all[2]).sort()).toEqual(['action', 'actor', 'app', 'at', 'causeRef', 'causeType', 'client', 'evidence', 'from', 'hash', 'kind', 'seq', 'to'].filter((k) => k !== 'action').sort());
    expect(all[2]).toMatchObject({ seq: 3, app: 'acme-scheduler', client: 'riverside', from: 'beta_consented', to: 'production_approved', causeType: 'message', causeRef: '<p1@riversidefm.org>', actor: 'pm@riversidefm.org', evidence: { matched: ['approved for production'] } });
    const byClient = JSON.parse((await runCountersign(['log', '--json', '--client', 'lakeside'], env)).stdout);
    expect(byClient).toEqual([]);
    const future = JSON.parse((await runCountersign(['log', '--json', '--since', '2999-01-01'], env)).stdout);
    expect(future).toEqual([]);
    const bad = await runCountersign(['log', '--since', 'yesterday'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--since: "yesterday" is not an ISO 8601 date');
    const verify = await runCountersign(['log', 'verify'], env);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('log chain intact: 3 event(s)');
  });

  it('log verify exits non-zero and names the edited row', async () => {
    const { env, file, dbPath } = await setup();
    await runCountersign(['registry', 'import', file], env);
    const db = openDb(dbPath);
    db.$client.exec("DROP TRIGGER events_no_update; UPDATE events SET actor = 'mallory@evil.example' WHERE seq = 1;");
    db.$client.close();
    const r = await runCountersign(['log', 'verify'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('event 1 was edited');
    const j = await runCountersign(['log', 'verify', '--json'], env);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, problem: { kind: 'row_edited', seq: 1 } });
  });

  it('a bad registry file: every problem on stderr, exit 2, nothing written', async () => {
    const dir = tempDir();
    const reg = baseRegistry();
    reg.apps[0].partner = 'nobody';
    reg.clients[1].domains = ['riversidefm.org'];
    const file = await writeRegistry(reg, { dir });
    const env = { COUNTERSIGN_DB: path.join(dir, 'cs.sqlite') };
    const r = await runCountersign(['registry', 'import', file], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('apps[0] (acme-scheduler) → partner: unknown partner "nobody"');
    expect(r.stderr).toContain('clients[1] (lakeside) → domains[0]: "riversidefm.org" is also claimed by client "riverside"');
    expect(r.stderr).toContain('nothing was written');
    expect(r.stdout).toBe('');
    const st = await runCountersign(['status', '--json'], env);
    expect(JSON.parse(st.stdout)).toEqual([]);
  });

  it('registry export leaves identifiers out unless --with-secrets is given', async () => {
    const { env, file } = await setup();
    await runCountersign(['registry', 'import', file], env);
    const plain = await runCountersign(['registry', 'export'], env);
    expect(plain.code).toBe(0);
    noSecrets(plain.stdout);
    expect(plain.stdout).toContain('riversidefm.org');
    const full = await runCountersign(['registry', 'export', '--with-secrets'], env);
    expect(full.stdout).toContain('RFM-TEST-7731');
    expect(full.stdout).toContain('LKP-PROD-0042');
  });

  it('app declare-ga is refused while no client signed off, and by a non-staff address', async () => {
    const { env, file, dbPath } = await setup();
    await runCountersign(['registry', 'import', file], env);
    const early = await runCountersign(['app', 'declare-ga', 'acme-scheduler', '--by', 'ops@partners.example'], env);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('No Beta client has signed off');
    const db = openDb(dbPath);
    for (const step of ['production_approval', 'ga_signoff'] as const) {
      const r = applyStep(db, { appId: 'acme-scheduler', clientId: 'riverside', step, actor: 'client', actorAddress: 'pm@riversidefm.org', cause: { type: 'message' }, evidence: {} });
      expect(r.ok).toBe(true);
    }
    db.$client.close();
    const stranger = await runCountersign(['app', 'declare-ga', 'acme-scheduler', '--by', 'dev@acmehealth.io'], env);
    expect(stranger.code).toBe(2);
    expect(stranger.stderr).toContain('not a staff address');
    const ok = await runCountersign(['app', 'declare-ga', 'acme-scheduler', '--by', 'OPS@partners.example', '--json'], env);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ app: 'acme-scheduler', seq: 5, signedOffBy: ['riverside'] });
    const again = await runCountersign(['app', 'declare-ga', 'acme-scheduler', '--by', 'ops@partners.example'], env);
    expect(again.stderr).toContain('already declared Generally Available');
    const log = JSON.parse((await runCountersign(['log', '--json', '--app', 'acme-scheduler'], env)).stdout);
    expect(log.at(-1)).toMatchObject({ kind: 'ga_declared', actor: 'ops@partners.example', evidence: { signedOffBy: ['riverside'] } });
  });

  it('integration withdraw moves any stage to withdrawn and records the operator', async () => {
    const { env, file } = await setup();
    await runCountersign(['registry', 'import', file], env);
    const r = await runCountersign(['integration', 'withdraw', '--app', 'acme-scheduler', '--client', 'riverside', '--by', 'ops@partners.example', '--reason', 'client letter 2026-11-02'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('beta_consented → withdrawn');
    const twice = await runCountersign(['integration', 'withdraw', '--app', 'acme-scheduler', '--client', 'riverside', '--by', 'ops@partners.example'], env);
    expect(twice.code).toBe(1);
    const st = JSON.parse((await runCountersign(['status', '--json'], env)).stdout);
    expect(st[0].stage).toBe('withdrawn');
  });

  it('fails fast naming the variable when the configuration is invalid', async () => {
    const r = await runCountersign(['status'], { COUNTERSIGN_LOG_LEVEL: 'loud' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/COUNTERSIGN_LOG_LEVEL/);
  });
});
