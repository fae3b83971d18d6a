import type * as openpgp from 'openpgp';
import type { MailTransport } from '../adapters/mail-transport.js';
import type { Templates } from '../adapters/templates.js';
import { bounceToken, verpAddress } from '../core/bounce-token.js';
import { classifySendError } from '../core/smtp-failure.js';
import { bounceHmac } from '../db/bounce-key.js';
import { makeDurable } from '../db/durable.js';
import { batchFlagNotices } from '../db/batch-flag-notices.js';
import { insertFlag } from '../db/message-store.js';
import type { Db } from '../db/open-db.js';
import { registerDbSecrets } from '../db/register-db-secrets.js';
import type { Logger } from '../logger.js';
import { backoffMs } from './backoff.js';
import type { Health, Metrics } from './metrics.js';
import { releaseUsableHeld } from './release-held.js';
import { renderOutboxMail, type OutboxRow } from './render-outbox-mail.js';
import { prepared } from '../db/raw-client.js';

export interface DeliverDeps {
  db: Db;
  transport: MailTransport;
  templates: Templates;
  signingKey: openpgp.PrivateKey | null;
  from: string;
  /** The envelope sender; with `verp`, each mail's own `local+TOKEN@domain` form of it. */
  bounceAddress: string;
  verp: boolean;
  teamName: string;
  maxPerRecipientHour: number;
  flagTtlDays: number;
  logger: Logger;
  now?: () => Date;
  /** Test seam: kill the process after the server accepted a mail, before the row says so. */
  crashAfterSend?: boolean;
  metrics?: Metrics | undefined;
  /** Told when the SMTP server cannot be reached and when it answers again (for /healthz). */
  health?: Health | undefined;
}

export interface DeliverResult {
  sent: number;
  retrying: number;
  failed: number;
  held: number;
  deferred: number;
}

const SELECT_DUE = `SELECT id, kind, integration_id AS integrationId, event_seq AS eventSeq, recipient, context, message_id AS messageId,
                           created_at AS createdAt, attempts
                    FROM outbox WHERE status IN ('queued', 'retry') AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                    ORDER BY id LIMIT 200`;

/**
 * Delivers what the outbox holds, once each. The rows are made durable before anything is sent; a
 * row is marked sent only after the server accepted the mail, so a crash in between resends it —
 * with the same Message-ID, fixed when the row was written. 4xx replies and connection errors are
 * retried with backoff; 5xx replies park the mail as failed and tell staff (RFC 5321 §4.2.1).
 */
export async function deliverOutbox(deps: DeliverDeps): Promise<DeliverResult> {
  const { db, logger } = deps;
  const result: DeliverResult = { sent: 0, retrying: 0, failed: 0, held: 0, deferred: 0 };
  const now = (deps.now ?? (() => new Date()))();
  // At start and after every registry import: held mail whose keys are usable now goes out.
  await releaseUsableHeld(deps, now);
  batchFlagNotices(db, { from: deps.from, now });
  const rows = prepared(db, SELECT_DUE).all(now.toISOString()) as (OutboxRow & { attempts: number })[];
  if (rows.length === 0) return result;
  makeDurable(db);
  const hmac = deps.verp ? bounceHmac(db) : null;
  // Identifiers imported since start-up are masked in mail too (the scrubber learns them here).
  registerDbSecrets(db);
  // Staff notifications (no recipient: the registry's staff) count for every staff address.
  const sentLastHour = prepared(
    db,
    "SELECT COUNT(*) AS n FROM outbox WHERE status = 'sent' AND sent_at > @since AND (recipient = @to OR (recipient IS NULL AND @to IN (SELECT address FROM staff)))",
  );
  const staffAtCap = (since: string) =>
    (prepared(db, 'SELECT address FROM staff').all() as { address: string }[]).some((s) => (sentLastHour.get({ to: s.address, since }) as { n: number }).n >= deps.maxPerRecipientHour);
  const update = prepared(db, 'UPDATE outbox SET status = @status, attempts = @attempts, next_attempt_at = @next, last_error = @error, sent_at = @sentAt WHERE id = @id');
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  for (const row of rows) {
    // Loop safety: at most so many mails to one address per hour; the rest wait.
    if (row.recipient ? (sentLastHour.get({ to: row.recipient, since: hourAgo }) as { n: number }).n >= deps.maxPerRecipientHour : staffAtCap(hourAgo)) {
      update.run({ id: row.id, status: 'queued', attempts: row.attempts, next: new Date(now.getTime() + 15 * 60_000).toISOString(), error: 'per-recipient hourly limit reached', sentAt: null });
      result.deferred++;
      continue;
    }
    const rendered = await renderOutboxMail({ db, templates: deps.templates, from: deps.from, teamName: deps.teamName, signingKey: deps.signingKey, now }, row);
    if (!rendered.ok) {
      db.transaction((tx) => {
        update.run({ id: row.id, status: 'held', attempts: row.attempts, next: null, error: rendered.held, sentAt: null });
        // A held staff notification must not raise another notification about itself.
        if (row.kind !== 'staff_flag') insertFlag(tx, { kind: 'held_mail', outboxId: row.id, reasons: [{ code: 'mail_held', detail: rendered.held }], now, ttlDays: deps.flagTtlDays, mailFrom: deps.from });
      });
      logger.warn({ outbox: row.id, kind: row.kind, reason: rendered.held }, 'mail held; staff told');
      result.held++;
      deps.metrics?.mails.inc({ kind: row.kind, result: 'held' });
      continue;
    }
    try {
      // RFC 5321 §4.5.5: reports go to the envelope sender; its token is how one is known to be genuine.
      const envelopeFrom = hmac ? verpAddress(deps.bounceAddress, bounceToken(hmac, row.id, row.messageId)) : deps.bounceAddress;
      await deps.transport.send(rendered.raw, { from: envelopeFrom, to: rendered.to }, `${row.id}-${row.kind}`);
    } catch (e) {
      const err = e as { responseCode?: number; code?: string; message?: string };
      const detail = `${err.responseCode ?? err.code ?? 'error'}: ${(err.message ?? '').slice(0, 200)}`;
      if (classifySendError(err) === 'permanent') {
        db.transaction((tx) => {
          update.run({ id: row.id, status: 'failed', attempts: row.attempts + 1, next: null, error: detail, sentAt: null });
          if (row.kind !== 'staff_flag') insertFlag(tx, { kind: 'send_failed', outboxId: row.id, reasons: [{ code: 'mail_failed', detail }], now, ttlDays: deps.flagTtlDays, mailFrom: deps.from });
        });
        logger.error({ outbox: row.id, kind: row.kind, detail }, 'mail refused permanently; staff told');
        result.failed++;
        deps.metrics?.mails.inc({ kind: row.kind, result: 'failed' });
      } else {
        // No reply code: the server was not reached (refused, timed out, dropped), not a 4xx answer;
        // or it refused our login: either way no mail can go until that changes.
        if (err.responseCode === undefined || err.code === 'EAUTH') deps.health?.smtpDown(detail);
        const attempts = row.attempts + 1;
        update.run({ id: row.id, status: 'retry', attempts, next: new Date(now.getTime() + backoffMs(attempts, 3_600_000)).toISOString(), error: detail, sentAt: null });
        logger.warn({ outbox: row.id, kind: row.kind, attempts, detail }, 'mail not delivered; will retry');
        result.retrying++;
        deps.metrics?.mails.inc({ kind: row.kind, result: 'retry' });
      }
      continue;
    }
    deps.health?.smtpUp();
    if (deps.crashAfterSend) process.kill(process.pid, 'SIGKILL');
    update.run({ id: row.id, status: 'sent', attempts: row.attempts + 1, next: null, error: null, sentAt: now.toISOString() });
    logger.info({ outbox: row.id, kind: row.kind, messageId: row.messageId }, 'mail sent');
    result.sent++;
    deps.metrics?.mails.inc({ kind: row.kind, result: 'sent' });
  }
  return result;
}
