import { gunzipSync } from 'node:zlib';
import type { Reason } from '../core/reasons.js';
import type { Db } from './open-db.js';

/** One received message as `messages` lists it. */
export interface MessageSummary {
  id: number;
  receivedAt: string;
  outcome: string;
  messageId: string | null;
  from: string | null;
  subject: string | null;
  intent: string | null;
  app: string | null;
  client: string | null;
  confidence: number | null;
  reasons: string[];
}

interface MessageRowRaw extends Omit<MessageSummary, 'reasons'> {
  reasons: string;
  sha256: string;
  size: number;
  mailbox: string;
  date: string | null;
  decision: string;
  eventSeq: number | null;
  duplicateOf: number | null;
}

const COLUMNS = `m.id, m.received_at AS receivedAt, m.outcome, m.message_id AS messageId, m.from_address AS "from", m.subject, m.intent,
  m.app_id AS app, m.client_id AS client, m.confidence, m.reasons, m.sha256, m.size, m.mailbox, m.date, m.decision,
  m.event_seq AS eventSeq, m.duplicate_of AS duplicateOf`;

/** Received messages, oldest first; `since` is an ISO instant compared with the time they were recorded. */
export function listMessages(db: Db, filter: { outcome?: string | undefined; since?: string | undefined } = {}): MessageSummary[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.outcome !== undefined) {
    where.push('m.outcome = ?');
    params.push(filter.outcome);
  }
  if (filter.since !== undefined) {
    where.push('m.received_at >= ?');
    params.push(filter.since);
  }
  const rows = db.$client.prepare(`SELECT ${COLUMNS} FROM messages m ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY m.id`).all(...params) as MessageRowRaw[];
  return rows.map(({ sha256: _s, size: _z, mailbox: _m, date: _d, decision: _c, eventSeq: _e, duplicateOf: _u, ...r }) => ({ ...r, reasons: (JSON.parse(r.reasons) as Reason[]).map((x) => x.code) }));
}

export interface StoryEvent {
  seq: number;
  at: string;
  kind: string;
  app: string | null;
  client: string | null;
  fromStage: string | null;
  toStage: string | null;
  causeType: string;
  actor: string;
}

export interface StoryFlag {
  id: number;
  token: string;
  kind: string;
  status: string;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

export interface StoryMail {
  id: number;
  kind: string;
  status: string;
  recipient: string | null;
  createdAt: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
}

export interface MessageStory {
  message: Omit<MessageSummary, 'reasons'> & { sha256: string; size: number; mailbox: string; date: string | null; duplicateOf: number | null };
  reasons: Reason[];
  /** The decision evidence recorded with it (sender verdict, matched phrases, the client's new text …). */
  decision: Record<string, unknown>;
  events: StoryEvent[];
  flags: StoryFlag[];
  mails: StoryMail[];
}

/** What a stage change recorded as caused by a message names it by (src/db/message-store.ts). */
export const messageCauseRef = (m: { messageId: string | null; sha256: string }): string => m.messageId ?? `sha256:${m.sha256}`;

/** A message by its row id, or by its Message-ID (with or without the angle brackets); the first received wins. */
export function findMessageRow(db: Db, ref: string): number | null {
  const trimmed = ref.trim();
  if (/^\d+$/.test(trimmed)) {
    const r = db.$client.prepare('SELECT id FROM messages WHERE id = ?').get(Number(trimmed)) as { id: number } | undefined;
    if (r) return r.id;
  }
  const bracketed = trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
  const r = db.$client.prepare('SELECT id FROM messages WHERE message_id IN (?, ?) ORDER BY id LIMIT 1').get(bracketed, trimmed) as { id: number } | undefined;
  return r?.id ?? null;
}

/**
 * Everything recorded about one message: its decision, the stage changes caused by it (its own event,
 * and any event whose cause names it, such as a later `message redecide --apply`), its flags, and the
 * mails they caused (rows linked to those events, the flags' staff notices, and answers threaded to it).
 */
export function messageStory(db: Db, row: number): MessageStory | null {
  const raw = db.$client.prepare(`SELECT ${COLUMNS} FROM messages m WHERE m.id = ?`).get(row) as MessageRowRaw | undefined;
  if (!raw) return null;
  const { reasons, decision, eventSeq: _e, ...message } = raw;
  const events = db.$client
    .prepare(
      `SELECT seq, at, kind, app_id AS app, client_id AS client, from_stage AS fromStage, to_stage AS toStage, cause_type AS causeType, actor
       FROM events WHERE seq = ? OR (cause_type = 'message' AND cause_ref = ?) ORDER BY seq`,
    )
    .all(raw.eventSeq ?? -1, messageCauseRef(raw)) as StoryEvent[];
  const flags = db.$client
    .prepare('SELECT id, token, kind, status, created_at AS createdAt, resolved_at AS resolvedAt, resolved_by AS resolvedBy FROM flags WHERE message_row = ? ORDER BY id')
    .all(row) as StoryFlag[];
  const seqs = events.map((e) => e.seq);
  const mails = db.$client
    .prepare(
      `SELECT id, kind, status, recipient, created_at AS createdAt, sent_at AS sentAt, attempts, last_error AS lastError FROM outbox
       WHERE message_row = ?
          OR event_seq IN (SELECT value FROM json_each(?))
          OR id IN (SELECT notice_outbox_id FROM flags WHERE message_row = ? AND notice_outbox_id IS NOT NULL)
          OR (? IS NOT NULL AND json_extract(context, '$.inReplyTo') = ?)
       ORDER BY id`,
    )
    .all(row, JSON.stringify(seqs), row, raw.messageId, raw.messageId) as StoryMail[];
  return { message, reasons: JSON.parse(reasons) as Reason[], decision: JSON.parse(decision) as Record<string, unknown>, events, flags, mails };
}

/** The stored evidence of a message: its raw bytes (only the head when `complete` is false). */
export function readRawMessage(db: Db, sha256: string): { raw: Buffer; size: number; complete: boolean; storedAt: string } | null {
  const r = db.$client.prepare('SELECT gz, size, complete, stored_at AS storedAt FROM raw_messages WHERE sha256 = ?').get(sha256) as
    | { gz: Buffer; size: number; complete: number; storedAt: string }
    | undefined;
  if (!r) return null;
  return { raw: gunzipSync(r.gz), size: r.size, complete: r.complete === 1, storedAt: r.storedAt };
}
