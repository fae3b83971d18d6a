import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyStep } from '../../src/db/approval-store.js';
import { openDb, type Db } from '../../src/db/open-db.js';
import { replayStages } from '../../src/db/replay-stages.js';
import { verifyEventLog } from '../../src/db/event-log.js';
import { baseRegistry, writeRegistry } from '../helpers/registry-fixture.js';
import { runCountersign } from '../helpers/run-cli.js';
import { seededDb } from '../helpers/test-db.js';
import { tempDir } from '../helpers/temp-dir.js';

/** What someone with sqlite3 and write access would do: drop the stage guards first. */
function dropStageGuards(db: Db): void {
  db.$client.exec('DROP TRIGGER integrations_stage_needs_event; DROP TRIGGER integrations_insert_pending; DROP TRIGGER integrations_no_delete; DROP TRIGGER integrations_identity_fixed;');
}

const approveProduction = (db: Db) =>
  applyStep(db, { appId: 'acme-scheduler', clientId: 'riverside', step: 'production_approval', actor: 'client', actorAddress: 'pm@riversidefm.org', cause: { type: 'message', ref: '<p1@riversidefm.org>' }, evidence: {} });

describe('stages are a projection of the event log', () => {
  it('refuses a direct stage UPDATE at the database, leaving the stage as the log says', async () => {
    const db = await seededDb();
    expect(() => db.$client.exec("UPDATE integrations SET stage = 'ga_signed_off'")).toThrow(/only with its stage_change event/);
    // Pointing at an existing event that records another change is refused too.
    expect(() => db.$client.exec("UPDATE integrations SET stage = 'ga_signed_off', stage_event_seq = 1")).toThrow(/only with its stage_change event/);
    expect(() => db.$client.exec("INSERT INTO integrations (app_id, client_id, stage, stage_since) VALUES ('acme-notes', 'riverside', 'production_approved', 'x')")).toThrow(/insert as pending/);
    expect(() => db.$client.exec('DELETE FROM integrations')).toThrow(/never deleted/);
    expect(() => db.$client.exec("UPDATE integrations SET client_id = 'lakeside'")).toThrow(/keeps its id/);
    expect(db.$client.prepare('SELECT stage FROM integrations').get()).toEqual({ stage: 'beta_consented' });
    expect(replayStages(db)).toEqual([]);
  });

  it('lets Countersign change a stage together with its event, and the row points at that event', async () => {
    const db = await seededDb();
    const r = approveProduction(db);
    expect(r.ok).toBe(true);
    const row = db.$client.prepare('SELECT stage, stage_event_seq AS seq FROM integrations').get() as { stage: string; seq: number };
    expect(row).toEqual({ stage: 'production_approved', seq: r.ok ? r.value.seq : -1 });
    // A new integration (pending, then its first change) goes through the same path.
    const n = applyStep(db, { appId: 'acme-scheduler', clientId: 'lakeside', step: 'beta_consent', actor: 'client', actorAddress: 'it@lakesidepeds.org', cause: { type: 'message', ref: '<b@lakesidepeds.org>' }, betaParts: { testDatabaseAgreement: true, betaSiteConsent: true }, evidence: {} });
    expect(n.ok, JSON.stringify(n)).toBe(true);
    expect(replayStages(db)).toEqual([]);
  });

  it('with the triggers dropped, names every drifted integration in replay, log verify and doctor', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'cs.sqlite');
    const env = { COUNTERSIGN_DB: dbPath, COUNTERSIGN_MAILDIR: path.join(dir, 'maildir'), COUNTERSIGN_OUTBOX_DIR: path.join(dir, 'outbox') };
    const reg = baseRegistry();
    reg.integrations.push({ app: 'acme-notes', client: 'lakeside', stage: 'pending' });
    expect((await runCountersign(['registry', 'import', await writeRegistry(reg, { dir })], env)).code).toBe(0);
    const db = openDb(dbPath);
    dropStageGuards(db);
    db.$client.exec("UPDATE integrations SET stage = 'ga_signed_off' WHERE app_id = 'acme-scheduler'");
    db.$client.exec("UPDATE integrations SET stage = 'production_approved' WHERE app_id = 'acme-notes'");
    const drifts = replayStages(db);
    expect(verifyEventLog(db).ok).toBe(true); // the chain alone cannot see this
    db.$client.close();
    expect(drifts).toEqual([
      expect.objectContaining({ kind: 'stage_differs', app: 'acme-scheduler', client: 'riverside', recorded: 'ga_signed_off', replayed: 'beta_consented', lastSeq: 1 }),
      expect.objectContaining({ kind: 'stage_differs', app: 'acme-notes', client: 'lakeside', recorded: 'production_approved', replayed: 'pending' }),
    ]);

    const verify = await runCountersign(['log', 'verify'], env);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('integration acme-scheduler/riverside is recorded at ga_signed_off but its events replay to beta_consented');
    expect(verify.stderr).toContain('integration acme-notes/lakeside is recorded at production_approved but its events replay to pending');
    const json = await runCountersign(['log', 'verify', '--json'], env);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.stageDrifts.map((d: { app: string }) => d.app)).toEqual(['acme-scheduler', 'acme-notes']);

    const doctor = await runCountersign(['doctor', '--json'], env);
    const stages = JSON.parse(doctor.stdout).checks.find((c: { check: string }) => c.check === 'stages');
    expect(stages.verdict).toBe('fail');
    expect(stages.detail).toContain('acme-scheduler/riverside is recorded at ga_signed_off');
    expect(stages.detail).toContain('acme-notes/lakeside is recorded at production_approved');
    expect(doctor.code).toBe(1);
  });

  it('names a deleted integration row and a row moved to another client', async () => {
    const db = await seededDb();
    approveProduction(db);
    dropStageGuards(db);
    db.$client.exec("UPDATE integrations SET client_id = 'lakeside'");
    expect(replayStages(db)).toEqual([expect.objectContaining({ kind: 'identity_differs', app: 'acme-scheduler', client: 'lakeside', eventClient: 'riverside' })]);
    db.$client.exec('PRAGMA foreign_keys = OFF; DELETE FROM integrations;');
    expect(replayStages(db)).toEqual([expect.objectContaining({ kind: 'row_missing', integrationId: 1, lastSeq: 3 })]);
  });
});
