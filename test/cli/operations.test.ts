import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeProject } from '../helpers/project.js';
import { BIN, runCountersign } from '../helpers/run-cli.js';

describe('operating countersign', () => {
  it('refuses a second `countersign run` on the same database, and allows one again after the first stops', async () => {
    const p = await makeProject({ COUNTERSIGN_POLL_SECONDS: '3600' });
    const first = spawn(process.execPath, [BIN, 'run'], { env: { PATH: process.env.PATH ?? '', ...p.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    first.stdout.on('data', (d) => (log += d));
    first.stderr.resume();
    const exited = new Promise((r) => first.on('exit', r));
    try {
      for (let i = 0; i < 200 && !log.includes('waiting for mail'); i++) await new Promise((r) => setTimeout(r, 50));
      const second = await runCountersign(['run', '--once'], p.env);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('another `countersign run` is already using');
    } finally {
      first.kill('SIGTERM');
      await exited;
    }
    expect((await runCountersign(['run', '--once'], p.env)).code).toBe(0);
  });

  it('backs up the live database while messages are processed; the copy opens and its chain verifies', async () => {
    const p = await makeProject();
    const md = p.env.COUNTERSIGN_MAILDIR!;
    for (const s of ['new', 'cur', 'tmp']) mkdirSync(path.join(md, s), { recursive: true });
    for (let i = 0; i < 300; i++) writeFileSync(path.join(md, 'new', `${1700000000 + i}.b${i}.host`), makeMail({ from: 'pm@riversidefm.org', subject: `Question ${i}`, body: `A question ${i}.` }));
    writeFileSync(path.join(md, 'new', '1800000000.z.host'), makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL }));
    const running = runCountersign(['run', '--once'], p.env);
    await new Promise((r) => setTimeout(r, 600));
    const backup = await runCountersign(['backup', path.join(p.dir, 'copy.sqlite'), '--json'], p.env);
    expect((await running).code).toBe(0);
    expect(backup.code, backup.stderr).toBe(0);
    const out = JSON.parse(backup.stdout);
    expect(out.events).toBeGreaterThan(0);
    const copy = new Database(path.join(p.dir, 'copy.sqlite'), { readonly: true });
    expect((copy.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n).toBe(out.events);
    copy.close();
    const verify = await runCountersign(['log', 'verify'], { ...p.env, COUNTERSIGN_DB: path.join(p.dir, 'copy.sqlite') });
    expect(verify.code).toBe(0);
    const again = await runCountersign(['backup', path.join(p.dir, 'copy.sqlite')], p.env);
    expect(again.code).toBe(1);
  });

  it('exports the event log as CSV and JSON for auditors, without identifiers', async () => {
    const p = await makeProject();
    const csv = await runCountersign(['export', '--format', 'csv'], p.env);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\r\n');
    expect(lines[0]).toBe('seq,at,kind,app,client,from,to,causeType,causeRef,actor,evidence,hash');
    expect(lines).toHaveLength(3);
    const json = JSON.parse((await runCountersign(['export', '--format', 'json', '--since', '2000-01-01'], p.env)).stdout);
    expect(json.map((e: { kind: string }) => e.kind)).toEqual(['stage_change', 'registry_import']);
    expect(JSON.parse((await runCountersign(['export', '--format', 'json', '--since', '2999-01-01'], p.env)).stdout)).toEqual([]);
    for (const id of ['RFM-TEST-7731', 'RFM-PROD-7731']) expect(csv.stdout).not.toContain(id);
    expect((await runCountersign(['export', '--format', 'xml'], p.env)).code).toBe(1);
  });
});
