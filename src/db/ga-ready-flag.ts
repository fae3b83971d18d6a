import type { Tx } from './event-log.js';
import { newFlagToken } from './flag-token.js';
import { prepared } from './raw-client.js';

/**
 * Gives each GA-ready notice among `outboxIds` a flag of its own (kind `ga_ready`), whose token the
 * notice's subject carries and whose notice is that same mail: a staff APPROVE reply to it declares
 * the app Generally Available through the same path as `countersign app declare-ga`.
 */
export function attachGaReadyFlags(tx: Tx, o: { outboxIds: number[]; appId: string; clientId: string; now: Date; ttlDays: number }): void {
  for (const outboxId of o.outboxIds) {
    const row = prepared(tx, 'SELECT kind, context FROM outbox WHERE id = ?').get(outboxId) as { kind: string; context: string } | undefined;
    if (row?.kind !== 'staff_ga_ready') continue;
    const flagId = Number(
      prepared(
        tx,
        "INSERT INTO flags (token, kind, app_id, client_id, proposal, reasons, created_at, expires_at, notice_outbox_id) VALUES (?, 'ga_ready', ?, ?, ?, '[]', ?, ?, ?)",
      ).run(
        newFlagToken(),
        o.appId,
        o.clientId,
        JSON.stringify({ declareGa: o.appId }),
        o.now.toISOString(),
        new Date(o.now.getTime() + o.ttlDays * 86_400_000).toISOString(),
        outboxId,
      ).lastInsertRowid,
    );
    prepared(tx, 'UPDATE outbox SET context = ? WHERE id = ?').run(JSON.stringify({ ...(JSON.parse(row.context) as object), flagId }), outboxId);
  }
}
