import { describe, expect, it } from 'vitest';
import { applyStep } from '../../src/db/approval-store.js';
import { appendEvent, verifyEventLog } from '../../src/db/event-log.js';
import { chainHash, explainChainProblem } from '../../src/db/log-chain.js';
import type { Db } from '../../src/db/open-db.js';
import { seededDb, testDb } from '../helpers/test-db.js';

function fill(db: Db, n: number): void {
  for (let i = 0; i < n; i++) {
    appendEvent(db, { at: `2026-11-0${1 + (i % 9)}T10:00:00.000Z`, kind: 'stage_change', appId: 'a', clientId: 'c', fromStage: 'pending', toStage: 'beta_consented', causeType: 'message', causeRef: `<m${i}@x>`, actor: `u${i}@x.org`, evidence: { i } });
  }
}

/** What someone with sqlite3 and write access would do: drop the guard triggers first. */
function dropGuards(db: Db): void {
  db.$client.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;');
}

describe('hash-chained event log', () => {
  it('verifies an intact chain', () => {
    const db = testDb();
    fill(db, 5);
    expect(verifyEventLog(db)).toMatchObject({ ok: true, rows: 5 });
  });

  it('verifies an empty log', () => {
    expect(verifyEventLog(testDb())).toMatchObject({ ok: true, rows: 0 });
  });

  it('refuses UPDATE and DELETE on the events table at the database itself', () => {
    const db = testDb();
    fill(db, 2);
    expect(() => db.$client.exec("UPDATE events SET actor = 'x' WHERE seq = 1")).toThrow(/append-only/);
    expect(() => db.$client.exec('DELETE FROM events WHERE seq = 1')).toThrow(/append-only/);
  });

  it('names the edited row when a row content is changed', () => {
    const db = testDb();
    fill(db, 5);
    dropGuards(db);
    db.$client.exec("UPDATE events SET actor = 'mallory@evil.example' WHERE seq = 3");
    const v = verifyEventLog(db);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.problem).toEqual({ kind: 'row_edited', seq: 3 });
      expect(explainChainProblem(v.problem)).toContain('event 3');
    }
  });

  it('names the row after an edit whose hash was recomputed to hide it', () => {
    const db = testDb();
    fill(db, 5);
    dropGuards(db);
    const row = db.$client.prepare('SELECT * FROM events WHERE seq = 2').get() as Record<string, any>;
    const forged = { seq: 2, at: row.at, kind: row.kind, integrationId: null, appId: row.app_id, clientId: row.client_id, fromStage: row.from_stage, toStage: 'production_approved', causeType: row.cause_type, causeRef: row.cause_ref, actor: row.actor, evidence: row.evidence };
    db.$client.prepare("UPDATE events SET to_stage = 'production_approved', hash = ? WHERE seq = 2").run(chainHash(row.prev_hash, forged));
    const v = verifyEventLog(db);
    expect(!v.ok && v.problem).toEqual({ kind: 'chain_broken', seq: 3, previousSeq: 2 });
  });

  it('detects a row deleted from the middle', () => {
    const db = testDb();
    fill(db, 5);
    dropGuards(db);
    db.$client.exec('DELETE FROM events WHERE seq = 3');
    const v = verifyEventLog(db);
    expect(!v.ok && v.problem).toEqual({ kind: 'chain_broken', seq: 4, previousSeq: 2 });
  });

  it('detects the newest row deleted', () => {
    const db = testDb();
    fill(db, 5);
    dropGuards(db);
    db.$client.exec('DELETE FROM events WHERE seq = 5');
    const v = verifyEventLog(db);
    expect(!v.ok && v.problem).toEqual({ kind: 'rows_deleted_at_end', afterSeq: 4, headSeq: 5 });
  });

  it('detects a row inserted at the end with a correctly chained hash', () => {
    const db = testDb();
    fill(db, 3);
    const last = db.$client.prepare('SELECT hash FROM events WHERE seq = 3').get() as { hash: string };
    const content = { seq: 4, at: '2026-11-10T00:00:00.000Z', kind: 'stage_change', integrationId: null, appId: 'a', clientId: 'c', fromStage: 'beta_consented', toStage: 'production_approved', causeType: 'message', causeRef: null, actor: 'mallory@evil.example', evidence: '{}' };
    db.$client
      .prepare(
        `INSERT INTO events (seq, at, kind, integration_id, app_id, client_id, from_stage, to_stage, cause_type, cause_ref, actor, evidence, prev_hash, hash)
         VALUES (4, @at, @kind, NULL, @appId, @clientId, @fromStage, @toStage, @causeType, NULL, @actor, @evidence, @prev, @hash)`,
      )
      .run({ ...content, prev: last.hash, hash: chainHash(last.hash, content) });
    const v = verifyEventLog(db);
    expect(!v.ok && v.problem).toEqual({ kind: 'rows_appended_outside_log', seq: 4, headSeq: 3 });
  });

  it('detects a row inserted in the middle of the chain', () => {
    const db = testDb();
    fill(db, 4);
    dropGuards(db);
    // Make room at seq 3 by moving the later rows up, then insert a forged row chained to row 2.
    db.$client.exec('UPDATE events SET seq = seq + 10 WHERE seq >= 3; UPDATE events SET seq = seq - 9 WHERE seq >= 13;');
    const prev = db.$client.prepare('SELECT hash FROM events WHERE seq = 2').get() as { hash: string };
    const content = { seq: 3, at: '2026-11-10T00:00:00.000Z', kind: 'stage_change', integrationId: null, appId: 'a', clientId: 'c', fromStage: 'pending', toStage: 'beta_consented', causeType: 'message', causeRef: null, actor: 'mallory@evil.example', evidence: '{}' };
    db.$client
      .prepare(
        `INSERT INTO events (seq, at, kind, app_id, client_id, from_stage, to_stage, cause_type, actor, evidence, prev_hash, hash)
         VALUES (3, @at, @kind, @appId, @clientId, @fromStage, @toStage, @causeType, @actor, @evidence, @prev, @hash)`,
      )
      .run({ ...content, prev: prev.hash, hash: chainHash(prev.hash, content) });
    const v = verifyEventLog(db);
    expect(v.ok).toBe(false);
    // The forged row chains correctly to row 2, so the break shows at the first genuine row after it.
    expect(!v.ok && v.problem).toEqual({ kind: 'chain_broken', seq: 4, previousSeq: 3 });
  });

  it('writes the stage change, its event and its outbox row in one transaction', async () => {
    const db = await seededDb();
    const r = applyStep(db, {
      appId: 'acme-scheduler',
      clientId: 'riverside',
      step: 'production_approval',
      actor: 'client',
      actorAddress: 'pm@riversidefm.org',
      cause: { type: 'message', ref: '<a1@riversidefm.org>' },
      evidence: { matched: ['approved for production'] },
    });
    expect(r.ok).toBe(true);
    const ev = db.$client.prepare("SELECT * FROM events WHERE kind = 'stage_change' ORDER BY seq DESC LIMIT 1").get() as Record<string, unknown>;
    expect(ev).toMatchObject({ from_stage: 'beta_consented', to_stage: 'production_approved', cause_type: 'message', cause_ref: '<a1@riversidefm.org>', actor: 'pm@riversidefm.org' });
    const mail = db.$client.prepare('SELECT kind, event_seq FROM outbox').all();
    expect(mail).toEqual([{ kind: 'partner_production_identifiers', event_seq: ev.seq }]);
    expect(verifyEventLog(db).ok).toBe(true);
  });

  it('changes nothing when a transition is refused', async () => {
    const db = await seededDb();
    const before = db.$client.prepare('SELECT COUNT(*) AS n FROM events').get();
    const r = applyStep(db, { appId: 'acme-scheduler', clientId: 'lakeside', step: 'production_approval', actor: 'client', actorAddress: 'x@lakesidepeds.org', cause: { type: 'message' }, evidence: {} });
    expect(!r.ok && r.error).toEqual({ kind: 'stage_not_reached', stage: 'pending', step: 'production_approval', needs: 'beta_consented' });
    expect(db.$client.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual(before);
    expect(db.$client.prepare('SELECT COUNT(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    expect(db.$client.prepare("SELECT COUNT(*) AS n FROM integrations WHERE client_id = 'lakeside'").get()).toEqual({ n: 0 });
  });
});
