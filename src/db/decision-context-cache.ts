import type { DecisionContext } from '../core/decide.js';
import { loadDecisionContext } from './load-decision-context.js';
import type { Db } from './open-db.js';
import { prepared } from './raw-client.js';

const cache = new WeakMap<Db, { dataVersion: number; ctx: DecisionContext }>();

/**
 * The decision context, re-read only when it may have changed: `PRAGMA data_version` moves when
 * another connection commits (a registry import, a CLI withdrawal); our own stage changes call
 * `invalidateDecisionContext`. Reading it for every message of a backlog cost more than deciding.
 */
export function cachedDecisionContext(db: Db, opts: { ownAddresses: readonly string[]; minConfidence: number }): DecisionContext {
  // A statement prepared once (db.$client.pragma() prepares one on every call): this runs twice per message.
  const dataVersion = (prepared(db, 'PRAGMA data_version').get() as { data_version: number }).data_version;
  const hit = cache.get(db);
  if (hit && hit.dataVersion === dataVersion) return hit.ctx;
  const ctx = loadDecisionContext(db, opts);
  cache.set(db, { dataVersion, ctx });
  return ctx;
}

export function invalidateDecisionContext(db: Db): void {
  cache.delete(db);
}
