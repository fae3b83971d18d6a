import { randomUUID } from 'node:crypto';
import type { Tx } from './event-log.js';
import { prepared } from './raw-client.js';

export type OutboxKind =
  | 'partner_test_identifiers'
  | 'partner_production_identifiers'
  | 'client_ack'
  | 'client_fix'
  | 'staff_ga_ready'
  | 'staff_withdrawn'
  | 'staff_flag'
  | 'staff_answer'
  | 'staff_reminder'
  | 'client_rejected'
  | 'staff_digest';

export interface QueuedMail {
  kind: OutboxKind;
  /** Countersign's From address: its domain makes the Message-ID ours. */
  from: string;
  recipient: string | null;
  integrationId?: number | null;
  eventSeq?: number | null;
  context?: Record<string, unknown>;
  now: Date;
}

/**
 * Writes one outgoing mail as a row, inside the caller's transaction: the mail exists exactly when
 * the change that causes it does. Its Message-ID is fixed now, so a resend after a crash between the
 * server's acceptance and our update carries the same Message-ID and can be recognised as a repeat.
 */
export function queueMail(tx: Tx, m: QueuedMail): number {
  const domain = m.from.slice(m.from.lastIndexOf('@') + 1) || 'countersign.invalid';
  return Number(
    prepared(tx, 'INSERT INTO outbox (kind, integration_id, event_seq, recipient, context, message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      m.kind,
      m.integrationId ?? null,
      m.eventSeq ?? null,
      m.recipient,
      JSON.stringify(m.context ?? {}),
      `<cs.${randomUUID()}@${domain}>`,
      m.now.toISOString(),
    ).lastInsertRowid,
  );
}
