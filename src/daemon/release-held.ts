import { settleOutbox } from '../db/outbox-store.js';
import type { DeliverDeps } from './deliver-outbox.js';
import { renderOutboxMail, type OutboxRow, type Rendered } from './render-outbox-mail.js';

const SELECT_HELD = `SELECT id, kind, integration_id AS integrationId, event_seq AS eventSeq, recipient, context, message_id AS messageId, created_at AS createdAt
                     FROM outbox WHERE status = 'held' ORDER BY id`;

/** Builds the mail exactly as the sender would (keys checked, PGP/MIME built), without sending it. */
export function checkHeld(deps: DeliverDeps, row: OutboxRow, now: Date): Promise<Rendered> {
  return renderOutboxMail({ db: deps.db, templates: deps.templates, from: deps.from, teamName: deps.teamName, signingKey: deps.signingKey, now }, row);
}

/** The last registry import each sender has re-checked held mail after (-1: not since start). */
const checkedThrough = new WeakMap<DeliverDeps, number>();

const lastImportSeq = (deps: DeliverDeps): number =>
  (deps.db.$client.prepare("SELECT COALESCE(MAX(seq), 0) AS seq FROM events WHERE kind = 'registry_import'").get() as { seq: number }).seq;

const DUE = "SELECT 1 FROM outbox WHERE status IN ('queued', 'retry') AND (next_attempt_at IS NULL OR next_attempt_at <= ?) LIMIT 1";

/**
 * The daemon's wait for mail (`wait`: IDLE or a file watch, bounded by the poll interval), skipped
 * when mail is already due — a held or failed mail's notice to staff, queued by the pass that just
 * ended — and cut short when another process gave the sender work: a registry import (held mail to
 * re-check), or mail an operator queued (`outbox release`, `outbox resend`, `flags approve`). Those
 * commands run in processes of their own and cannot wake IDLE; without this, a key fixed by an
 * import waited for the next poll (an hour, if so configured). SQLite's `data_version` changes only
 * when another connection commits, so the idle check is one pragma every `everyMs`.
 */
export async function waitUnlessOutboxWork(deps: DeliverDeps | undefined, signal: AbortSignal, wait: (signal: AbortSignal) => Promise<void>, everyMs = 2_000): Promise<void> {
  if (!deps) return wait(signal);
  const client = deps.db.$client;
  // Each pass leaves every due row sent, retrying later, failed, held or deferred: this cannot spin.
  if (client.prepare(DUE).get(new Date().toISOString()) !== undefined) return;
  let version = client.pragma('data_version', { simple: true });
  const cut = new AbortController();
  const timer = setInterval(() => {
    const now = client.pragma('data_version', { simple: true });
    if (now === version) return;
    version = now;
    if (checkedThrough.get(deps) !== lastImportSeq(deps) || client.prepare(DUE).get(new Date().toISOString()) !== undefined) cut.abort();
  }, everyMs);
  try {
    await wait(AbortSignal.any([signal, cut.signal]));
  } finally {
    clearInterval(timer);
  }
}

/**
 * Held mail (no usable partner key, no signing key) is re-checked when the daemon starts and after
 * every registry import (a new partner key arrives that way): each one whose mail now builds is
 * queued again — same Message-ID — and the flag about it closed. Returns how many were released.
 */
export async function releaseUsableHeld(deps: DeliverDeps, now: Date = new Date()): Promise<number> {
  const lastImport = lastImportSeq(deps);
  if (checkedThrough.get(deps) === lastImport) return 0;
  checkedThrough.set(deps, lastImport);
  let released = 0;
  for (const row of deps.db.$client.prepare(SELECT_HELD).all() as OutboxRow[]) {
    const r = await checkHeld(deps, row, now);
    if (!r.ok) continue;
    if (settleOutbox(deps.db, { id: row.id, allowed: ['held'], to: 'queued', actor: 'countersign', action: 'released', now }).ok) {
      released++;
      deps.logger.info({ outbox: row.id, kind: row.kind }, 'held mail released: its keys are usable now');
    }
  }
  return released;
}
