import { asInboundMail, fromOwnMta, isReportCandidate, matchBounceToken, reportRecipients, reportsFailure, type MailHead } from '../core/bounce-token.js';
import { disposition } from '../core/reasons.js';
import type { Config } from '../config.js';
import { bounceHmac } from '../db/bounce-key.js';
import type { MessageRecord } from '../db/message-store.js';
import type { Db } from '../db/open-db.js';
import { authEvidence, type DecideDeps } from './decide-message.js';

export interface BounceDeps extends DecideDeps {
  db: Db;
  config: Pick<Config, 'bounceAddress' | 'verp'>;
}

/** null: not a delivery report. Otherwise the outgoing mail it is about, why it counts for nothing, or that it reports no failure. */
export type BounceCheck = null | { kind: 'matched'; outboxId: number } | { kind: 'unverified'; detail: string } | { kind: 'not_a_failure' };

const SELECT_ROW = 'SELECT message_id AS messageId FROM outbox WHERE id = ?';
const SELECT_BY_MESSAGE_ID = 'SELECT id FROM outbox WHERE message_id = ? ORDER BY id LIMIT 1';

/**
 * Decides whether a delivery report is about a mail Countersign sent — before the automated-mail
 * rule files it away, since a genuine bounce is automated mail too. With VERP (the default) only the
 * token in the address it was delivered to counts; without it, only a report our receiving server
 * authenticated as our own domain's, naming one of our Message-IDs. Anyone can write a bounce naming
 * a Message-ID, so a Message-ID alone never counts.
 */
export async function checkBounce(deps: BounceDeps, raw: Buffer, mail: MailHead): Promise<BounceCheck> {
  if (!isReportCandidate(mail)) return null;
  const { db, config } = deps;
  const failed = reportsFailure(raw.subarray(0, 262_144).toString('latin1'));
  if (config.verp) {
    const row = db.$client.prepare(SELECT_ROW);
    const match = matchBounceToken(bounceHmac(db), config.bounceAddress, reportRecipients(mail), (id) => (row.get(id) as { messageId: string | null } | undefined) ?? null);
    return match.kind === 'matched' && !failed ? { kind: 'not_a_failure' } : match;
  }
  const ownDomain = config.bounceAddress.slice(config.bounceAddress.lastIndexOf('@') + 1).toLowerCase();
  if (!fromOwnMta(mail, await authEvidence(raw, asInboundMail(mail), deps), ownDomain)) {
    return { kind: 'unverified', detail: `it is not authenticated as coming from our own mail system (${ownDomain}); with COUNTERSIGN_VERP=off only those reports count` };
  }
  const byId = db.$client.prepare(SELECT_BY_MESSAGE_ID);
  for (const id of [...mail.embeddedMessageIds, ...(mail.inReplyTo ? [mail.inReplyTo] : []), ...mail.references]) {
    const hit = byId.get(id) as { id: number } | undefined;
    if (hit) return failed ? { kind: 'matched', outboxId: hit.id } : { kind: 'not_a_failure' };
  }
  return { kind: 'unverified', detail: 'it names no mail Countersign sent' };
}

/**
 * A delivery report is never a person's message: it applies nothing, answers no one and resolves no
 * flag. A matched failure marks its mail undelivered (in the same transaction as the record); a
 * matched delay warning changes nothing; an unverified one is recorded as ignored with the reason,
 * and changes nothing.
 */
export function withBounce<R extends MessageRecord>(record: R, check: BounceCheck, mail: Pick<MailHead, 'reportType'>): R {
  if (!check) return record;
  const quiet = { ...record, outcome: 'ignored' as const, apply: undefined, resolve: null, staffAnswer: null, replyTo: null, proposal: null };
  if (check.kind === 'unverified') return { ...quiet, reasons: [...record.reasons, { code: 'bounce_unverified', detail: check.detail }] };
  // Ours and genuine: filed as the report it is (the automated-mail rule has usually said so already).
  const reasons = record.reasons.some((r) => disposition(r) === 'ignore') ? record.reasons : [...record.reasons, { code: 'delivery_report' as const, reportType: mail.reportType ?? 'non-standard' }];
  // Only delayed (still being retried): the mail stays sent.
  if (check.kind === 'not_a_failure') return { ...quiet, reasons };
  return { ...quiet, reasons, bounce: { outboxId: check.outboxId } };
}
