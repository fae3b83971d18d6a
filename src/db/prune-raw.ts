import type { Db } from './open-db.js';

/**
 * Retention of raw messages (COUNTERSIGN_RAW_RETENTION_DAYS; 0 keeps everything). The raw message
 * behind a stage change is the regulated record of what was approved, so it is always kept.
 */
export function pruneRawMessages(db: Db, days: number, now: Date = new Date()): number {
  if (days <= 0) return 0;
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  return db.$client
    .prepare(
      `DELETE FROM raw_messages WHERE stored_at < ?
       AND sha256 NOT IN (SELECT sha256 FROM messages WHERE event_seq IS NOT NULL)`,
    )
    .run(cutoff).changes;
}
