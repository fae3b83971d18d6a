import type { Db } from './open-db.js';
import { queueMail } from './queue-mail.js';
import { prepared } from './raw-client.js';

/** "A few": more flags than this opening within an hour are told to staff in one digest. */
export const FLAGS_PER_HOUR_BEFORE_DIGEST = 3;

/**
 * No floods: when more than a few flags opened within the last hour (a first run on a mailbox with
 * history, a burst of spam), their waiting notifications are replaced by one digest listing each
 * flag with its reference — at most one digest an hour; notifications of flags opened after it wait
 * for the next. Each flag stays answerable by reply (its reference in the subject). The replaced
 * rows stay, marked `digested`, so what each flag's notice became is on record.
 */
export function batchFlagNotices(db: Db, opts: { from: string; now?: Date }): number | null {
  const now = opts.now ?? new Date();
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  return db.transaction(
    () => {
      const recent = (prepared(db, "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'staff_flag' AND created_at > ?").get(hourAgo) as { n: number }).n;
      const waiting = prepared(db, "SELECT id, context FROM outbox WHERE kind = 'staff_flag' AND status = 'queued' AND attempts = 0 ORDER BY id").all() as { id: number; context: string }[];
      // Notices held back for the next digest count too, however old: they must not go out one by one.
      if (waiting.length === 0 || Math.max(recent, waiting.length) <= FLAGS_PER_HOUR_BEFORE_DIGEST) return null;
      const lastDigest = (prepared(db, "SELECT MAX(created_at) AS at FROM outbox WHERE kind = 'staff_digest' AND created_at > ?").get(hourAgo) as { at: string | null }).at;
      if (lastDigest) {
        // One digest an hour: the rest wait for the next one (batched then, not sent one by one).
        const next = new Date(Date.parse(lastDigest) + 3_600_000).toISOString();
        prepared(db, "UPDATE outbox SET next_attempt_at = ? WHERE kind = 'staff_flag' AND status = 'queued' AND attempts = 0").run(next);
        return null;
      }
      const flagIds = waiting.map((w) => Number((JSON.parse(w.context) as { flagId?: number }).flagId)).filter((id) => Number.isInteger(id) && id > 0);
      const digest = queueMail(db, { kind: 'staff_digest', from: opts.from, recipient: null, context: { flagIds }, now });
      const mark = prepared(db, "UPDATE outbox SET status = 'digested', last_error = ? WHERE id = ?");
      for (const w of waiting) mark.run(`listed in digest ${digest}`, w.id);
      return digest;
    },
    { behavior: 'immediate' },
  );
}
