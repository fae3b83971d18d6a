import type { Tx } from './event-log.js';
import { prepared } from './raw-client.js';

/** Where the outcome of a flagged client message is told: its sender, threaded to its mail. */
export interface ClientReply {
  to: string;
  inReplyTo: string | null;
  references: string[];
  subject: string;
}

/**
 * Sender verdicts whose address staff may answer once they decided the message. A verified sender
 * is the client itself; an unknown domain, an unlisted subdomain or an address not on the approver
 * list is a real address staff chose to act on (a clinic writing from a personal address). Verdicts
 * that suggest someone else wrote it (lookalike domain, display-name address, forwarded, sent on
 * behalf, failed authentication) are never answered: the answer would go to whoever was
 * impersonated (backscatter), whatever staff decided.
 */
const ANSWERABLE = new Set(['verified', 'unknown_domain', 'unlisted_subdomain', 'not_approver']);

/** The client to tell about a staff decision on a flagged message, or null when nobody should hear. */
export function clientReplyForFlag(tx: Tx, messageRow: number | null, decision: 'approve' | 'reject'): ClientReply | null {
  if (messageRow === null) return null;
  const m = prepared(tx, 'SELECT from_address AS fromAddress, message_id AS messageId, subject, decision, reasons FROM messages WHERE id = ?').get(messageRow) as
    | { fromAddress: string | null; messageId: string | null; subject: string | null; decision: string; reasons: string }
    | undefined;
  if (!m?.fromAddress) return null;
  // A partner's contact is never answered automatically.
  if ((JSON.parse(m.reasons || '[]') as { code: string }[]).some((r) => r.code === 'partner_reply')) return null;
  const d = JSON.parse(m.decision || '{}') as { sender?: { kind?: string; role?: string; address?: string }; automated?: unknown };
  // Automated mail is never answered (RFC 3834), and a staff member's own mail is not a client's.
  if (!d.sender?.kind || !ANSWERABLE.has(d.sender.kind) || d.sender.role === 'staff' || (d.automated !== null && d.automated !== undefined)) return null;
  // A rejection is told only to a verified client: rejecting spam must not answer the spammer, or
  // whoever it impersonated.
  if (decision === 'reject' && d.sender.kind !== 'verified') return null;
  const to = (d.sender.address ?? m.fromAddress).toLowerCase();
  return { to, inReplyTo: m.messageId, references: m.messageId ? [m.messageId] : [], subject: m.subject ?? '' };
}
