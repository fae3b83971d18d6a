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

/**
 * Held mail (no usable partner key, no signing key) is re-checked when the daemon starts and after
 * every registry import (a new partner key arrives that way): each one whose mail now builds is
 * queued again — same Message-ID — and the flag about it closed. Returns how many were released.
 */
export async function releaseUsableHeld(deps: DeliverDeps, now: Date = new Date()): Promise<number> {
  const lastImport = (deps.db.$client.prepare("SELECT COALESCE(MAX(seq), 0) AS seq FROM events WHERE kind = 'registry_import'").get() as { seq: number }).seq;
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
