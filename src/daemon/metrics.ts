import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/open-db.js';

/**
 * Prometheus metrics (prom-client). Labels carry only outcome, reason codes, steps and mail kinds:
 * never an identifier or an address. Gauges are read from the database at scrape time.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly messages = new Counter({ name: 'countersign_messages_total', help: 'Messages handled, by outcome and reason code', labelNames: ['outcome', 'reason'], registers: [this.registry] });
  readonly stageChanges = new Counter({ name: 'countersign_stage_changes_total', help: 'Stage changes, by the stage reached', labelNames: ['stage'], registers: [this.registry] });
  readonly mails = new Counter({ name: 'countersign_mails_total', help: 'Outgoing mails, by kind and result (sent, retry, failed, held)', labelNames: ['kind', 'result'], registers: [this.registry] });
  readonly reconnects = new Counter({ name: 'countersign_imap_reconnects_total', help: 'Mailbox reconnection attempts', registers: [this.registry] });
  readonly latency = new Histogram({ name: 'countersign_processing_seconds', help: 'Time to handle one message, fetch to commit', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry] });

  constructor(db: Db) {
    const scalar = (sql: string) => () => Number((db.$client.prepare(sql).get() as { v: number | null }).v ?? 0);
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    gauge('countersign_outbox_depth', 'Outgoing mails waiting to be sent', scalar("SELECT COUNT(*) AS v FROM outbox WHERE status IN ('queued', 'retry')"));
    gauge('countersign_outbox_oldest_age_seconds', 'Age of the oldest mail waiting to be sent', scalar("SELECT (julianday('now') - julianday(MIN(created_at))) * 86400 AS v FROM outbox WHERE status IN ('queued', 'retry')"));
    gauge('countersign_open_flags', 'Flags waiting for staff', scalar("SELECT COUNT(*) AS v FROM flags WHERE status = 'open' AND expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"));
    gauge('countersign_oldest_open_flag_age_seconds', 'Age of the oldest open flag', scalar("SELECT (julianday('now') - julianday(MIN(created_at))) * 86400 AS v FROM flags WHERE status = 'open' AND expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"));
    gauge('countersign_mails_held', 'Outgoing mails held (no usable key)', scalar("SELECT COUNT(*) AS v FROM outbox WHERE status = 'held'"));
  }
}

/** What /healthz reports: the mailbox connection, and an outbox that is not stuck. */
export class Health {
  mailboxUp = false;
  mailboxProblem: string | null = 'not connected yet';

  up(): void {
    this.mailboxUp = true;
    this.mailboxProblem = null;
  }

  down(reason: string): void {
    this.mailboxUp = false;
    this.mailboxProblem = reason;
  }

  /** Since when (epoch ms) the SMTP server could not be reached, by connection failures; null while it answers. */
  smtpDownSince: number | null = null;
  smtpProblem: string | null = null;

  smtpDown(reason: string, now: number = Date.now()): void {
    this.smtpDownSince ??= now;
    this.smtpProblem = reason;
  }

  smtpUp(): void {
    this.smtpDownSince = null;
    this.smtpProblem = null;
  }
}
