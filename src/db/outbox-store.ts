import { err, ok, type Result } from '../core/result.js';
import { appendEvent } from './event-log.js';
import type { Db } from './open-db.js';

export interface OutboxEntry {
  id: number;
  kind: string;
  status: string;
  /** null: the registry's staff at send time. */
  recipient: string | null;
  createdAt: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  sentAt: string | null;
  messageId: string | null;
  integrationId: number | null;
  app: string | null;
  client: string | null;
  appName: string | null;
  clientName: string | null;
  /** The open flag about this mail (held, failed, bounced), if any. */
  flag: { id: number; token: string; kind: string } | null;
}

const SELECT = `SELECT o.id, o.kind, o.status, o.recipient, o.created_at AS createdAt, o.attempts, o.next_attempt_at AS nextAttemptAt, o.last_error AS lastError,
                       o.sent_at AS sentAt, o.message_id AS messageId, o.integration_id AS integrationId, i.app_id AS app, i.client_id AS client, a.name AS appName, c.name AS clientName,
                       (SELECT json_object('id', f.id, 'token', f.token, 'kind', f.kind) FROM flags f WHERE f.outbox_id = o.id AND f.status = 'open' ORDER BY f.id DESC LIMIT 1) AS flag
                FROM outbox o LEFT JOIN integrations i ON i.id = o.integration_id LEFT JOIN apps a ON a.id = i.app_id LEFT JOIN clients c ON c.id = i.client_id`;

type Raw = Omit<OutboxEntry, 'flag'> & { flag: string | null };
const parse = (r: Raw): OutboxEntry => ({ ...r, flag: r.flag ? (JSON.parse(r.flag) as OutboxEntry['flag']) : null });

/** Outgoing mail, newest first; `status` narrows it (queued also shows mail waiting to retry). */
export function listOutbox(db: Db, status?: string): OutboxEntry[] {
  const rows = status
    ? (db.$client.prepare(`${SELECT} WHERE o.status IN (${status === 'queued' ? "'queued', 'retry'" : '?'}) ORDER BY o.id DESC`).all(...(status === 'queued' ? [] : [status])) as Raw[])
    : (db.$client.prepare(`${SELECT} ORDER BY o.id DESC`).all() as Raw[]);
  return rows.map(parse);
}

export function getOutbox(db: Db, id: number): OutboxEntry | null {
  const r = db.$client.prepare(`${SELECT} WHERE o.id = ?`).get(id) as Raw | undefined;
  return r ? parse(r) : null;
}

export type OutboxRefusal = { kind: 'no_such_mail' } | { kind: 'wrong_status'; status: string; allowed: string[] };

export function explainOutboxRefusal(id: number, r: OutboxRefusal): string {
  switch (r.kind) {
    case 'no_such_mail':
      return `no outgoing mail ${id}; list them with \`countersign outbox list\``;
    case 'wrong_status':
      return `mail ${id} is ${r.status}; this applies only to mail that is ${r.allowed.join(' or ')}`;
    default: {
      const never: never = r;
      return never;
    }
  }
}

/**
 * Moves one mail to a new status and closes the open flag about it, with an event naming who did it
 * and why (released after its keys checked usable, resent, cancelled). `queue` puts it back for the
 * sender with its Message-ID unchanged, so a resend is recognisable as the same mail.
 */
export function settleOutbox(
  db: Db,
  o: { id: number; allowed: string[]; to: 'queued' | 'cancelled'; actor: string; action: 'released' | 'resent' | 'cancelled'; now?: Date },
): Result<{ id: number; status: string; closedFlag: string | null }, OutboxRefusal> {
  const at = (o.now ?? new Date()).toISOString();
  return db.transaction(
    (): Result<{ id: number; status: string; closedFlag: string | null }, OutboxRefusal> => {
      const row = db.$client.prepare('SELECT status FROM outbox WHERE id = ?').get(o.id) as { status: string } | undefined;
      if (!row) return err({ kind: 'no_such_mail' });
      if (!o.allowed.includes(row.status)) return err({ kind: 'wrong_status', status: row.status, allowed: o.allowed });
      if (o.to === 'queued') db.$client.prepare("UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = NULL, last_error = NULL WHERE id = ?").run(o.id);
      else db.$client.prepare("UPDATE outbox SET status = 'cancelled', next_attempt_at = NULL WHERE id = ?").run(o.id);
      const flag = db.$client.prepare("SELECT id, token, app_id AS appId, client_id AS clientId FROM flags WHERE outbox_id = ? AND status = 'open' ORDER BY id DESC LIMIT 1").get(o.id) as
        | { id: number; token: string; appId: string | null; clientId: string | null }
        | undefined;
      if (flag) {
        const resolution = { decision: o.action, via: 'outbox', outboxId: o.id };
        db.$client.prepare("UPDATE flags SET status = 'resolved', resolved_at = ?, resolved_by = ?, resolution = ? WHERE id = ?").run(at, o.actor, JSON.stringify(resolution), flag.id);
        appendEvent(db, { at, kind: 'flag_resolved', appId: flag.appId, clientId: flag.clientId, causeType: 'operator', causeRef: flag.token, actor: o.actor, evidence: { flagId: flag.id, status: 'resolved', ...resolution } });
      }
      return ok({ id: o.id, status: o.to, closedFlag: flag?.token ?? null });
    },
    { behavior: 'immediate' },
  );
}
