import { describe, expect, it } from 'vitest';
import { PER_MESSAGE_SQL } from '../../src/db/message-store.js';
import { testDb } from '../helpers/test-db.js';

/**
 * A backlog runs these statements once per message. One that walks a whole table turns a backlog
 * quadratic without any test noticing the answers change (the renumbered-message lookup walked every
 * location of the mailbox: 2 s of 19 at 3,000 messages). SQLite's plan says which: SCAN reads every
 * row, SEARCH goes through an index.
 */
function plan(sql: string): string[] {
  const db = testDb();
  // Placeholders bound as literals: EXPLAIN needs no data, only the statement's shape.
  const literal = sql.replace(/\?|@\w+/g, "'x'");
  return (db.$client.prepare(`EXPLAIN QUERY PLAN ${literal}`).all() as { detail: string }[]).map((r) => r.detail);
}

describe('statements run for every message of a backlog', () => {
  for (const [name, sql] of Object.entries(PER_MESSAGE_SQL)) {
    it(`${name} reads through an index, never a whole table`, () => {
      const steps = plan(sql);
      expect(steps.filter((s) => /^SCAN /.test(s)), steps.join(' | ')).toEqual([]);
    });
  }

  it('finds a renumbered message from the few messages with its bytes, not from every location of the mailbox', () => {
    const steps = plan(PER_MESSAGE_SQL.renumbered!);
    expect(steps[0]).toMatch(/^SEARCH m USING (COVERING )?INDEX messages_sha256/);
    expect(steps[1]).toMatch(/^SEARCH l USING INDEX message_locations_row/);
  });

  it('reads the once-a-day check before telling a client what to fix from recent mail of that kind only', () => {
    expect(plan(PER_MESSAGE_SQL.recentClientFix!)).toEqual([expect.stringMatching(/^SEARCH outbox USING INDEX outbox_kind_created \(kind=\? AND created_at>\?\)/)]);
  });
});
