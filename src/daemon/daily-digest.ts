import type * as openpgp from 'openpgp';
import { effectiveExpiry } from '../adapters/pgp-keys.js';
import { BOT_KEY_OWNER, expiresSoon, type ExpiringKey } from '../core/key-expiry.js';
import type { Db } from '../db/open-db.js';
import { queueReminderDigest, reminderDue } from '../db/queue-reminders.js';
import { expiringPartnerKeys, partnerKeyReport } from '../registry/partner-key-report.js';

/**
 * Reading every key verifies its signatures (a few ms each), and a digest is due until one goes out:
 * the keys are read at most once an hour per database (a key renewed within that hour may still be
 * listed once).
 */
const SCAN_EVERY_MS = 3_600_000;
const scans = new WeakMap<Db, { at: number; signingKey: openpgp.Key | null; keys: ExpiringKey[] }>();

/** Partner keys that stop being able to encrypt, and the bot's key that stops signing, within KEY_WARN_DAYS. */
export async function expiringKeys(db: Db, signingKey: openpgp.Key | null, now: Date = new Date()): Promise<ExpiringKey[]> {
  const cached = scans.get(db);
  if (cached && cached.signingKey === signingKey && Math.abs(now.getTime() - cached.at) < SCAN_EVERY_MS) return cached.keys;
  const keys = expiringPartnerKeys(await partnerKeyReport(db, now));
  const bot = signingKey ? await effectiveExpiry(signingKey, 'sign', now) : null;
  if (bot && expiresSoon(bot.expiresAt, now)) keys.push({ ...bot, expiresAt: bot.expiresAt, owner: BOT_KEY_OWNER, contact: null });
  scans.set(db, { at: now.getTime(), signingKey, keys });
  return keys;
}

/**
 * The daemon's daily mail to staff: flags still waiting, flags expired unanswered, and keys about
 * to expire. The keys are read only when a digest is due, so the daemon's polls stay cheap.
 */
export async function queueDailyDigest(deps: { db: Db; signingKey: openpgp.Key | null }, opts: { remindHours: number; from: string; now?: Date }): Promise<number | null> {
  const now = opts.now ?? new Date();
  if (!reminderDue(deps.db, now)) return null;
  return queueReminderDigest(deps.db, { ...opts, now, expiringKeys: await expiringKeys(deps.db, deps.signingKey, now) });
}
