import { err, ok, type Result } from '../core/result.js';
import { appendEvent } from './event-log.js';
import { newFlagToken } from './flag-token.js';
import type { Db } from './open-db.js';
import { queueMail } from './queue-mail.js';
import { prepared } from './raw-client.js';

/**
 * Open flags whose reference has expired become `expired`: recorded (an event each), out of
 * `flags --open` and the open-flags metric, and listed once in the next reminder digest
 * (`resolution.reported` false until then). Nothing is applied or rejected by expiring.
 */
export function expireFlags(db: Db, now: Date = new Date()): number {
  const at = now.toISOString();
  return db.transaction(
    (tx) => {
      const due = prepared(tx, "SELECT id, token, app_id AS appId, client_id AS clientId, expires_at AS expiresAt FROM flags WHERE status = 'open' AND expires_at <= ? ORDER BY id").all(at) as {
        id: number;
        token: string;
        appId: string | null;
        clientId: string | null;
        expiresAt: string;
      }[];
      for (const f of due) {
        prepared(tx, "UPDATE flags SET status = 'expired', resolved_at = ?, resolved_by = NULL, resolution = ? WHERE id = ?").run(at, JSON.stringify({ decision: 'expired', reported: false }), f.id);
        appendEvent(tx, { at, kind: 'flag_expired', appId: f.appId, clientId: f.clientId, causeType: 'operator', causeRef: f.token, actor: 'countersign', evidence: { flagId: f.id, expiresAt: f.expiresAt } });
      }
      return due.length;
    },
    { behavior: 'immediate' },
  );
}

export type ReopenRefusal = { kind: 'no_such_flag' } | { kind: 'not_expired'; status: string };

/**
 * Staff give an expired flag a fresh reference: a new token, a new expiry, and a new notification
 * (the old token stays unanswerable). Recorded as an event with the staff address as actor.
 */
export function reopenFlag(db: Db, o: { flagId: number; by: string; ttlDays: number; mailFrom: string; now?: Date }): Result<{ token: string; expiresAt: string }, ReopenRefusal> {
  const now = o.now ?? new Date();
  const at = now.toISOString();
  return db.transaction(
    (tx): Result<{ token: string; expiresAt: string }, ReopenRefusal> => {
      const f = prepared(tx, 'SELECT id, token, status, expires_at AS expiresAt, app_id AS appId, client_id AS clientId FROM flags WHERE id = ?').get(o.flagId) as
        | { id: number; token: string; status: string; expiresAt: string; appId: string | null; clientId: string | null }
        | undefined;
      if (!f) return err({ kind: 'no_such_flag' });
      const expired = f.status === 'expired' || (f.status === 'open' && f.expiresAt <= at);
      if (!expired) return err({ kind: 'not_expired', status: f.status });
      const token = newFlagToken();
      const expiresAt = new Date(now.getTime() + o.ttlDays * 86_400_000).toISOString();
      const notice = queueMail(tx, { kind: 'staff_flag', from: o.mailFrom, recipient: null, context: { flagId: f.id }, now });
      prepared(tx, "UPDATE flags SET token = ?, status = 'open', expires_at = ?, resolved_at = NULL, resolved_by = NULL, resolution = NULL, notice_outbox_id = ? WHERE id = ?").run(token, expiresAt, notice, f.id);
      appendEvent(tx, { at, kind: 'flag_reopened', appId: f.appId, clientId: f.clientId, causeType: 'operator', causeRef: token, actor: o.by, evidence: { flagId: f.id, previousToken: f.token, expiresAt } });
      return ok({ token, expiresAt });
    },
    { behavior: 'immediate' },
  );
}
