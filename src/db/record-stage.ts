import { eq } from 'drizzle-orm';
import { appendEvent, type CauseType, type Tx } from './event-log.js';
import { integrations } from './schema.js';

export interface StageChange {
  /** The integration's row, or undefined to create it (it starts pending, as the trigger requires). */
  integrationId?: number;
  appId: string;
  clientId: string;
  /** The stage the event records leaving; null when a registry file registers a stage outright. */
  from: string | null;
  to: string;
  at: string;
  causeType: CauseType;
  causeRef?: string | null;
  actor: string;
  evidence: unknown;
}

/**
 * The one path by which an integration's stage changes: the stage_change event first, then the row
 * pointing at it. Migration 0007's trigger refuses a row change that no such event records, so the
 * stage is a projection of the log and cannot drift from it. Runs inside the caller's transaction.
 */
export function recordStageChange(tx: Tx, c: StageChange): { integrationId: number; seq: number } {
  const integrationId =
    c.integrationId ??
    tx
      .insert(integrations)
      .values({ appId: c.appId, clientId: c.clientId, stage: 'pending', stageSince: c.at })
      .returning({ id: integrations.id })
      .get().id;
  const { seq } = appendEvent(tx, {
    at: c.at,
    kind: 'stage_change',
    integrationId,
    appId: c.appId,
    clientId: c.clientId,
    fromStage: c.from,
    toStage: c.to,
    causeType: c.causeType,
    causeRef: c.causeRef ?? null,
    actor: c.actor,
    evidence: c.evidence,
  });
  tx.update(integrations).set({ stage: c.to, stageSince: c.at, stageEventSeq: seq }).where(eq(integrations.id, integrationId)).run();
  return { integrationId, seq };
}
