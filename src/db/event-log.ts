import { eq } from 'drizzle-orm';
import type { Db } from './open-db.js';
import { events, logHead } from './schema.js';
import { chainHash, GENESIS_HASH, verifyChain, type ChainRow, type ChainVerdict, type EventContent } from './log-chain.js';

/** A transaction handle or the database: both run queries the same way. */
export type Tx = Pick<Db, 'select' | 'insert' | 'update' | 'delete' | 'run' | 'all' | 'get'>;

export type EventKind = 'stage_change' | 'ga_declared' | 'registry_import' | 'flag_resolved' | 'flag_expired' | 'flag_reopened';
export type CauseType = 'message' | 'staff_reply' | 'operator' | 'registry';

export interface NewEvent {
  at: string;
  kind: EventKind;
  integrationId?: number | null;
  appId?: string | null;
  clientId?: string | null;
  fromStage?: string | null;
  toStage?: string | null;
  causeType: CauseType;
  causeRef?: string | null;
  actor: string;
  evidence: unknown;
}

/**
 * Appends one event, chained to the head. Must run inside the transaction that makes the change it
 * records, so that the change and its record commit together or not at all.
 */
export function appendEvent(tx: Tx, e: NewEvent): { seq: number; hash: string } {
  const head = tx.select().from(logHead).where(eq(logHead.id, 1)).get();
  const prevHash = head?.hash ?? GENESIS_HASH;
  const seq = (head?.seq ?? 0) + 1;
  const content: EventContent = {
    seq,
    at: e.at,
    kind: e.kind,
    integrationId: e.integrationId ?? null,
    appId: e.appId ?? null,
    clientId: e.clientId ?? null,
    fromStage: e.fromStage ?? null,
    toStage: e.toStage ?? null,
    causeType: e.causeType,
    causeRef: e.causeRef ?? null,
    actor: e.actor,
    evidence: JSON.stringify(e.evidence ?? {}),
  };
  const hash = chainHash(prevHash, content);
  tx.insert(events).values({ ...content, prevHash, hash }).run();
  tx.insert(logHead)
    .values({ id: 1, seq, hash })
    .onConflictDoUpdate({ target: logHead.id, set: { seq, hash } })
    .run();
  return { seq, hash };
}

export function verifyEventLog(db: Db): ChainVerdict {
  const head = db.select().from(logHead).where(eq(logHead.id, 1)).get();
  // Streamed with better-sqlite3's iterate(), so verifying a long log keeps memory flat.
  const rows = db.$client
    .prepare(
      `SELECT seq, at, kind, integration_id AS integrationId, app_id AS appId, client_id AS clientId,
              from_stage AS fromStage, to_stage AS toStage, cause_type AS causeType, cause_ref AS causeRef,
              actor, evidence, prev_hash AS prevHash, hash
       FROM events ORDER BY seq`,
    )
    .iterate() as IterableIterator<ChainRow>;
  return verifyChain(rows, head ? { seq: head.seq, hash: head.hash } : undefined);
}
