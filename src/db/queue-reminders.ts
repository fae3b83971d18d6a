import type { ExpiringKey } from '../core/key-expiry.js';
import type { Db } from './open-db.js';
import { queueMail } from './queue-mail.js';

const DAY_MS = 86_400_000;

/** Whether a day has passed since the last digest (kept in `meta`), so that one may go out now. */
export function reminderDue(db: Db, now: Date = new Date()): boolean {
  const last = db.$client.prepare("SELECT value FROM meta WHERE key = 'last_flag_reminder_at'").get() as { value: string } | undefined;
  return !last || now.getTime() - Date.parse(last.value) >= DAY_MS;
}

/**
 * Once a day at most, one digest to staff of the flags open for longer than `remindHours`
 * (COUNTERSIGN_FLAG_REMIND_HOURS), of the flags that expired since the last one (each listed
 * once: `resolution.reported` is set here), and of the keys that expire within KEY_WARN_DAYS
 * (`expiringKeys`, read from the keys by the caller; listed every day until renewed). Nothing is
 * queued when there is nothing to tell. The last digest's time is kept in `meta`.
 */
export function queueReminderDigest(db: Db, opts: { remindHours: number; from: string; now?: Date; expiringKeys?: readonly ExpiringKey[] }): number | null {
  const now = opts.now ?? new Date();
  const keys = opts.expiringKeys ?? [];
  return db.transaction(
    (tx) => {
      if (!reminderDue(db, now)) return null;
      const cutoff = new Date(now.getTime() - opts.remindHours * 3_600_000).toISOString();
      const open = db.$client
        .prepare("SELECT id, token, created_at AS createdAt FROM flags WHERE status = 'open' AND created_at <= ? AND expires_at > ? ORDER BY id")
        .all(cutoff, now.toISOString()) as { id: number; token: string; createdAt: string }[];
      const expired = db.$client
        .prepare("SELECT id FROM flags WHERE status = 'expired' AND json_extract(resolution, '$.reported') = 0 ORDER BY id")
        .all() as { id: number }[];
      if (open.length === 0 && expired.length === 0 && keys.length === 0) return null;
      db.$client.prepare("INSERT INTO meta (key, value) VALUES ('last_flag_reminder_at', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(now.toISOString());
      const mark = db.$client.prepare("UPDATE flags SET resolution = json_set(resolution, '$.reported', json('true')) WHERE id = ?");
      for (const f of expired) mark.run(f.id);
      const context = { flagIds: open.map((f) => f.id), expiredFlagIds: expired.map((f) => f.id), ...(keys.length ? { expiringKeys: keys } : {}) };
      return queueMail(tx, { kind: 'staff_reminder', from: opts.from, recipient: null, context, now });
    },
    { behavior: 'immediate' },
  );
}
