import { describe, expect, it } from 'vitest';
import { pruneRawMessages } from '../../src/db/prune-raw.js';
import { testDb } from '../helpers/test-db.js';

describe('raw message retention', () => {
  it('deletes raw messages older than the retention, but never the evidence behind a stage change', () => {
    const db = testDb();
    const c = db.$client;
    const ins = c.prepare("INSERT INTO raw_messages (sha256, gz, size, complete, stored_at) VALUES (?, x'00', 1, 1, ?)");
    ins.run('old-plain', '2026-01-01T00:00:00.000Z');
    ins.run('old-approval', '2026-01-01T00:00:00.000Z');
    ins.run('recent', '2026-11-20T00:00:00.000Z');
    c.prepare("INSERT INTO events (seq, at, kind, cause_type, actor, evidence, prev_hash, hash) VALUES (1, '2026-01-01', 'stage_change', 'message', 'a', '{}', 'x', 'y')").run();
    c.prepare("INSERT INTO messages (received_at, mailbox, sha256, size, outcome, event_seq) VALUES ('2026-01-01', 'm', 'old-approval', 1, 'applied', 1)").run();
    expect(pruneRawMessages(db, 0, new Date('2026-11-29'))).toBe(0);
    expect(pruneRawMessages(db, 30, new Date('2026-11-29'))).toBe(1);
    expect(c.prepare('SELECT sha256 FROM raw_messages ORDER BY sha256').all()).toEqual([{ sha256: 'old-approval' }, { sha256: 'recent' }]);
  });
});
