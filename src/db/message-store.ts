import { gzipSync } from 'node:zlib';
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { BetaConsentParts, Step } from '../core/approval-state.js';
import { clientCanFix, disposition, explainReason, type Reason } from '../core/reasons.js';
import { err, ok, type Result } from '../core/result.js';
import { applyStepTx, explainStepRefusal } from './approval-store.js';
import { explainResolveRefusal, resolveFlagTx, type StaffCommand } from './resolve-flag.js';
import type { Tx } from './event-log.js';
import { newFlagToken } from './flag-token.js';
import { queueMail } from './queue-mail.js';
import { prepared } from './raw-client.js';
import type { Db } from './open-db.js';
import { messageLocations, outbox } from './schema.js';
import type { FolderKey, Location } from '../mailbox/mail-port.js';


export type Outcome = 'applied' | 'flagged' | 'ignored' | 'duplicate' | 'failed';

export const FOLDER_OF: Readonly<Record<Outcome, FolderKey>> = {
  applied: 'processed',
  flagged: 'flagged',
  failed: 'flagged',
  ignored: 'ignored',
  duplicate: 'ignored',
};


export interface MessageRecord {
  loc: Location;
  sha256: string;
  size: number;
  raw: Buffer;
  rawComplete: boolean;
  messageId: string | null;
  fromAddress: string | null;
  subject: string | null;
  date: string | null;
  outcome: Exclude<Outcome, 'applied'> | 'apply';
  reasons: Reason[];
  intent?: string | null;
  appId?: string | null;
  clientId?: string | null;
  confidence?: number | null;
  /** JSON-able summary of the decision, kept as evidence. */
  decision?: unknown;
  /** When the decision is to apply: the step, re-checked against the stage inside the transaction. */
  apply?: { step: Step; appId: string; clientId: string; actorAddress: string; betaParts: BetaConsentParts; evidence: unknown };
  /** Staff's proposal for a flagged message. */
  proposal?: { step: Step; appId: string | null; clientId: string | null } | null;
  duplicateOf?: number | null;
  /** The outgoing mail a verified delivery report is about (its VERP token checked): marked undelivered. */
  bounce?: { outboxId: number } | null;
  now: Date;
  flagTtlDays: number;
  /** Countersign's From address. */
  mailFrom?: string;
  /** A short answer to a staff member (accepted words, or why nothing changed). */
  staffAnswer?: { to: string; text: string; subject: string } | null;
  /** A verified staff reply that resolves a flag, applied in this same transaction. */
  resolve?: { flagId: number; command: StaffCommand; by: string; subject: string; rejectNotice?: boolean } | null;
  /** The authenticated client who wrote (never Reply-To): acknowledged, or told what to fix. */
  replyTo?: { to: string; inReplyTo: string | null; references: string[]; subject: string } | null;
}

export interface Recorded {
  messageRow: number;
  outcome: Outcome;
  folder: FolderKey;
  eventSeq: number | null;
  reasons: Reason[];
}

/**
 * The per-message lookups and inserts run for every message of a backlog: they go through
 * `prepared()` (raw SQL, prepared once per connection), as building them through the query builder
 * each time cost more than running them.
 */
const SQL = {
  location: 'SELECT message_row AS messageRow, target_folder AS targetFolder, marked_at AS markedAt FROM message_locations WHERE mailbox = ? AND key = ?',
  byMessageId: 'SELECT id FROM messages WHERE message_id = ? ORDER BY id LIMIT 1',
  bySha: 'SELECT id FROM messages WHERE sha256 = ? ORDER BY id LIMIT 1',
  // CROSS JOIN fixes the join order (SQLite never reorders it): from the few messages with these
  // bytes to their locations. Left to the planner, it walked every location of the mailbox for each
  // message, which made a backlog quadratic (2 s of 19 at 3,000 messages).
  renumbered: `SELECT l.message_row AS messageRow, l.target_folder AS targetFolder FROM messages m CROSS JOIN message_locations l ON l.message_row = m.id
               WHERE l.mailbox = ? AND m.sha256 = ? AND l.uid_validity IS NOT NULL AND l.uid_validity != ? LIMIT 1`,
  insertLocation: `INSERT INTO message_locations (message_row, mailbox, key, uid_validity, uid, target_folder) VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT DO NOTHING`,
  insertMessage: `INSERT INTO messages (received_at, mailbox, message_id, sha256, size, from_address, subject, date, outcome, intent, app_id, client_id,
                                        confidence, reasons, decision, event_seq, duplicate_of)
                  VALUES (@receivedAt, @mailbox, @messageId, @sha256, @size, @fromAddress, @subject, @date, @outcome, @intent, @appId, @clientId,
                          @confidence, @reasons, @decision, @eventSeq, @duplicateOf)`,
  insertRaw: 'INSERT INTO raw_messages (sha256, gz, size, complete, stored_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  flagByToken: 'SELECT id FROM flags WHERE token = ?',
  flagByNotice: 'SELECT f.id FROM outbox o CROSS JOIN flags f ON f.notice_outbox_id = o.id WHERE o.message_id = ?',
  attempts: 'SELECT attempts FROM message_attempts WHERE mailbox = ? AND key = ?',
  countAttempt: `INSERT INTO message_attempts (mailbox, key, attempts, last_attempt_at) VALUES (?, ?, 1, ?)
                 ON CONFLICT (mailbox, key) DO UPDATE SET attempts = attempts + 1, last_attempt_at = excluded.last_attempt_at`,
  uncountAttempt: 'UPDATE message_attempts SET attempts = attempts - 1 WHERE mailbox = ? AND key = ? AND attempts > 0',
  clearAttempts: 'DELETE FROM message_attempts WHERE mailbox = ? AND key = ?',
  recentClientFix: `SELECT COUNT(*) AS n FROM outbox WHERE kind = 'client_fix' AND created_at > ?
                    AND json_extract(context, '$.reason') = ? AND json_extract(context, '$.client') IS ? AND json_extract(context, '$.app') IS ?`,
} as const;

/** The statements run for every message: each must find its rows through an index (test/db/per-message-plans.test.ts). */
export const PER_MESSAGE_SQL: Readonly<Record<string, string>> = SQL;

/** Prepares them ahead (the daemon at start-up), so the first message does not pay for it. */
export function prepareMessageStatements(db: Db): void {
  for (const sql of Object.values(SQL)) prepared(db, sql);
}

/**
 * Counts an attempt to decide the message at this location, before deciding it: a message whose
 * handling kills the whole process (native crash, out of memory, SIGKILL) is otherwise decided again
 * on every start, for ever. The commit is not fsynced: it survives a process crash (WAL with
 * synchronous = NORMAL), which is what it guards against; a power cut costs one more attempt at most.
 * Refused, without counting, when `max` attempts already started and none finished.
 */
export function countAttempt(db: Db, loc: Location, max: number, now: Date = new Date()): Result<{ attempt: number }, { attempts: number }> {
  const before = (prepared(db, SQL.attempts).get(loc.mailbox, loc.key) as { attempts: number } | undefined)?.attempts ?? 0;
  if (before >= max) return err({ attempts: before });
  prepared(db, SQL.countAttempt).run(loc.mailbox, loc.key, now.toISOString());
  return ok({ attempt: before + 1 });
}

/** Takes back an attempt the daemon abandoned itself (stopping mid-decision): not the message's fault. */
export function uncountAttempt(db: Db, loc: Location): void {
  prepared(db, SQL.uncountAttempt).run(loc.mailbox, loc.key);
}

/** The flag a staff reply answers: by the reference token in its subject, or by In-Reply-To/References. */
export function findFlagForReply(db: Db, subjectToken: string | null, referenced: string[]): { id: number } | undefined {
  if (subjectToken) {
    const byToken = prepared(db, SQL.flagByToken).get(subjectToken) as { id: number } | undefined;
    if (byToken) return byToken;
  }
  for (const id of referenced) {
    const hit = prepared(db, SQL.flagByNotice).get(id) as { id: number } | undefined;
    if (hit) return hit;
  }
  return undefined;
}

export function findLocation(db: Db, mailbox: string, key: string): { messageRow: number; targetFolder: string | null; markedAt: string | null } | undefined {
  return prepared(db, SQL.location).get(mailbox, key) as { messageRow: number; targetFolder: string | null; markedAt: string | null } | undefined;
}

/** The earliest message already recorded with this Message-ID, or with these exact bytes. */
export function findEarlier(db: Db, messageId: string | null, sha256: string): { id: number } | undefined {
  return ((messageId ? prepared(db, SQL.byMessageId).get(messageId) : undefined) ?? prepared(db, SQL.bySha).get(sha256)) as { id: number } | undefined;
}

/**
 * The same bytes seen in this mailbox under another UIDVALIDITY: the server renumbered its messages
 * (RFC 3501 §2.3.1.1). That is the message we already handled, not a new arrival.
 */
export function findRenumbered(db: Db, loc: Location, sha256: string): { messageRow: number; targetFolder: string | null } | undefined {
  if (loc.uidValidity === undefined) return undefined;
  return prepared(db, SQL.renumbered).get(loc.mailbox, sha256, loc.uidValidity) as { messageRow: number; targetFolder: string | null } | undefined;
}

export function addLocation(db: Db, loc: Location, messageRow: number, folder: FolderKey | null): void {
  prepared(db, SQL.insertLocation).run(messageRow, loc.mailbox, loc.key, loc.uidValidity ?? null, loc.uid ?? null, folder);
}

export function markLocations(db: Db, mailbox: string, keys: string[], now: Date = new Date()): void {
  if (keys.length === 0) return;
  db.update(messageLocations)
    .set({ markedAt: now.toISOString() })
    .where(and(eq(messageLocations.mailbox, mailbox), inArray(messageLocations.key, keys)))
    .run();
}

/** Keys of this mailbox that are finished on the server (for sources that keep handled mail in place). */
export function markedKeys(db: Db, mailbox: string): Set<string> {
  return new Set(
    db
      .select({ key: messageLocations.key })
      .from(messageLocations)
      .where(and(eq(messageLocations.mailbox, mailbox), isNotNull(messageLocations.markedAt)))
      .all()
      .map((r) => r.key),
  );
}

/** Opens a flag and, in the same transaction, queues its one notification to staff. */
export function insertFlag(tx: Tx, f: { kind: string; messageRow?: number | null; outboxId?: number | null; appId?: string | null; clientId?: string | null; proposal?: unknown; reasons: unknown; now: Date; ttlDays: number; mailFrom?: string }): void {
  const flagId = Number(
    prepared(tx, 'INSERT INTO flags (token, kind, message_row, outbox_id, app_id, client_id, proposal, reasons, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      newFlagToken(),
      f.kind,
      f.messageRow ?? null,
      f.outboxId ?? null,
      f.appId ?? null,
      f.clientId ?? null,
      f.proposal === undefined || f.proposal === null ? null : JSON.stringify(f.proposal),
      JSON.stringify(f.reasons),
      f.now.toISOString(),
      new Date(f.now.getTime() + f.ttlDays * 86_400_000).toISOString(),
    ).lastInsertRowid,
  );
  const notice = queueMail(tx, { kind: 'staff_flag', from: f.mailFrom ?? 'apipartners@countersign.invalid', recipient: null, context: { flagId }, now: f.now });
  prepared(tx, 'UPDATE flags SET notice_outbox_id = ? WHERE id = ?').run(notice, flagId);
}

/**
 * Tells an authenticated client what to fix (a beta consent missing a part, no app named, an approval
 * before the step it needs) — at most once per reason per integration per day. Only ever called for
 * a verified client sender: unverified, unknown and automated senders never get mail (no backscatter).
 */
function queueClientFix(tx: Tx, m: MessageRecord, reasons: Reason[]): void {
  const fixable = reasons.find(clientCanFix);
  if (!fixable || !m.replyTo || reasons.some((r) => disposition(r) === 'ignore')) return;
  const since = new Date(m.now.getTime() - 86_400_000).toISOString();
  const recent = prepared(tx, SQL.recentClientFix).get(since, fixable.code, m.clientId ?? null, m.appId ?? null) as { n: number };
  if (recent.n > 0) return;
  queueMail(tx, {
    kind: 'client_fix',
    from: m.mailFrom ?? 'apipartners@countersign.invalid',
    recipient: m.replyTo.to,
    context: { reason: fixable.code, explanation: explainReason(fixable), client: m.clientId ?? null, app: m.appId ?? null, inReplyTo: m.replyTo.inReplyTo, references: m.replyTo.references, subject: m.replyTo.subject },
    now: m.now,
  });
}

/**
 * Records one message with its outcome and every effect — stage change, event, outgoing mails,
 * flag, evidence — in one transaction. The server is told only after this returns. `inSameCommit`
 * runs last inside that transaction: the drain counts the next message's attempt there.
 */
export function recordMessage(db: Db, m: MessageRecord, inSameCommit?: () => void): Recorded {
  return db.transaction(
    (tx): Recorded => {
      let outcome: Outcome = m.outcome === 'apply' ? 'applied' : m.outcome;
      const reasons = [...m.reasons];
      let eventSeq: number | null = null;
      if (m.staffAnswer) {
        queueMail(tx, { kind: 'staff_answer', from: m.mailFrom ?? 'apipartners@countersign.invalid', recipient: m.staffAnswer.to, context: { answer: m.staffAnswer.text, subject: m.staffAnswer.subject, inReplyTo: m.messageId, references: m.messageId ? [m.messageId] : [] }, now: m.now });
      }
      if (m.resolve) {
        const r = resolveFlagTx(tx, { flagId: m.resolve.flagId, command: m.resolve.command, by: m.resolve.by, via: 'reply', replyRef: m.messageId, mailFrom: m.mailFrom ?? 'apipartners@countersign.invalid', now: m.now, flagTtlDays: m.flagTtlDays, ...(m.resolve.rejectNotice !== undefined ? { rejectNotice: m.resolve.rejectNotice } : {}) });
        if (r.ok) {
          outcome = 'applied';
          eventSeq = r.value.stageChange?.seq ?? null;
        } else {
          const detail = explainResolveRefusal(r.error, explainStepRefusal);
          // Answered, never raised again as a flag about itself: the staff member who wrote it
          // already hears why nothing changed (issue 13: exactly one answer per staff reply).
          outcome = 'ignored';
          reasons.push(r.error.kind === 'already_resolved' ? { code: 'staff_reply_already_resolved', detail } : { code: 'staff_reply_refused', detail });
          // Staff hear back why nothing changed (who resolved it and when, or what was refused).
          queueMail(tx, { kind: 'staff_answer', from: m.mailFrom ?? 'apipartners@countersign.invalid', recipient: m.resolve.by, context: { answer: detail, subject: m.resolve.subject, inReplyTo: m.messageId, references: m.messageId ? [m.messageId] : [] }, now: m.now });
        }
      }
      if (m.outcome === 'apply' && m.apply) {
        const r = applyStepTx(tx, {
          appId: m.apply.appId,
          clientId: m.apply.clientId,
          step: m.apply.step,
          actor: 'client',
          actorAddress: m.apply.actorAddress,
          cause: { type: 'message', ref: m.messageId ?? `sha256:${m.sha256}` },
          betaParts: m.apply.betaParts,
          evidence: { ...(m.apply.evidence as object), sha256: m.sha256 },
          now: m.now,
          mailFrom: m.mailFrom ?? 'apipartners@countersign.invalid',
          flagTtlDays: m.flagTtlDays,
          ...(m.replyTo ? { acknowledge: m.replyTo } : {}),
        });
        if (r.ok) eventSeq = r.value.seq;
        else {
          // The stage moved between the decision and this transaction: never apply blindly.
          outcome = 'flagged';
          if (r.error.kind !== 'unknown_app' && r.error.kind !== 'unknown_client') reasons.push({ code: 'stage_refused', refusal: r.error });
          else reasons.push({ code: 'app_not_named' });
        }
      }
      const messageRow = Number(
        prepared(tx, SQL.insertMessage).run({
          receivedAt: m.now.toISOString(),
          mailbox: m.loc.mailbox,
          messageId: m.messageId,
          sha256: m.sha256,
          size: m.size,
          fromAddress: m.fromAddress,
          subject: m.subject,
          date: m.date,
          outcome,
          intent: m.intent ?? null,
          appId: m.appId ?? null,
          clientId: m.clientId ?? null,
          confidence: m.confidence ?? null,
          reasons: JSON.stringify(reasons),
          decision: JSON.stringify(m.decision ?? {}),
          eventSeq,
          duplicateOf: m.duplicateOf ?? null,
        }).lastInsertRowid,
      );
      const row = { id: messageRow };
      const folder = FOLDER_OF[outcome];
      prepared(tx, SQL.insertLocation).run(messageRow, m.loc.mailbox, m.loc.key, m.loc.uidValidity ?? null, m.loc.uid ?? null, folder);
      prepared(tx, SQL.insertRaw).run(m.sha256, gzipSync(m.raw, { level: 1 }), m.size, m.rawComplete ? 1 : 0, m.now.toISOString());
      prepared(tx, SQL.clearAttempts).run(m.loc.mailbox, m.loc.key);
      if (outcome === 'flagged' && m.replyTo) queueClientFix(tx, m, reasons);
      if (outcome === 'flagged' || outcome === 'failed') {
        insertFlag(tx, { kind: 'message', messageRow: row.id, appId: m.appId ?? null, clientId: m.clientId ?? null, proposal: m.proposal ?? null, reasons, now: m.now, ttlDays: m.flagTtlDays, mailFrom: m.mailFrom });
      }
      if (m.bounce) {
        const o = tx.select().from(outbox).where(eq(outbox.id, m.bounce.outboxId)).get();
        // A second report about the same mail (a later retry's, a copy) tells staff nothing new.
        if (o && o.status !== 'undelivered') {
          tx.update(outbox).set({ status: 'undelivered' }).where(eq(outbox.id, o.id)).run();
          insertFlag(tx, { kind: 'bounce', messageRow: row.id, outboxId: o.id, reasons: [{ code: 'bounce_of_our_mail', messageId: o.messageId ?? '' }], now: m.now, ttlDays: m.flagTtlDays, mailFrom: m.mailFrom });
        }
      }
      inSameCommit?.();
      return { messageRow: row.id, outcome, folder, eventSeq, reasons };
    },
    { behavior: 'immediate' },
  );
}
