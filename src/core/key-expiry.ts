/**
 * When a key stops being usable, and whether that is soon enough to warn staff. Pure: the
 * expiry itself is read from the key by the OpenPGP adapter (`src/adapters/pgp-keys.ts`).
 */

/**
 * How far ahead `keys check`, `doctor` and the daily staff digest warn that a key will expire:
 * long enough for a partner to answer a request for a renewed key, and for a second reminder.
 */
export const KEY_WARN_DAYS = 30;

const DAY_MS = 86_400_000;

/**
 * Which key's expiry ends the capability: a subkey's own (its binding signature's Key Expiration
 * Time, RFC 4880 §5.2.3.6), or the primary key's, since no subkey is usable once its primary key
 * has expired.
 */
export type ExpiringRole = 'primary key' | 'encryption subkey' | 'signing subkey';

/** The key whose expiry is the one that matters: when encrypting (or signing) stops working. */
export interface EffectiveExpiry {
  role: ExpiringRole;
  /** The long key ID (16 hex digits), as `gpg --keyid-format long` shows it. */
  keyId: string;
  fingerprint: string;
  /** ISO 8601, or null for a key that never expires. */
  expiresAt: string | null;
}

/** A key that will expire within the warning window, and whose it is. */
export interface ExpiringKey extends EffectiveExpiry {
  /** Whose key, as a sentence names it: `partner acme`, `the bot (COUNTERSIGN_SIGNING_KEY)`. */
  owner: string;
  expiresAt: string;
  /** Who to ask for a renewed key, when someone else holds it. */
  contact: string | null;
}

export const BOT_KEY_OWNER = 'the bot (COUNTERSIGN_SIGNING_KEY)';

/** Whole days left, rounded up: a key expiring in 9.99 days is said to have 10, one in 2 hours 1. */
export function daysLeft(expiresAt: string, now: Date): number {
  return Math.ceil((Date.parse(expiresAt) - now.getTime()) / DAY_MS);
}

/** Still usable at `now` but expiring within `warnDays`: a key that never expires does not warn. */
export function expiresSoon(expiresAt: string | null, now: Date, warnDays: number = KEY_WARN_DAYS): expiresAt is string {
  if (expiresAt === null) return false;
  const left = Date.parse(expiresAt) - now.getTime();
  return left > 0 && left <= warnDays * DAY_MS;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "encryption subkey 0123456789ABCDEF of partner acme expires on 2026-12-09 (10 days)" */
export function describeExpiry(k: Pick<ExpiringKey, 'role' | 'keyId' | 'owner' | 'expiresAt'>, now: Date): string {
  return `${k.role} ${k.keyId} of ${k.owner} expires on ${k.expiresAt.slice(0, 10)} (${plural(Math.max(daysLeft(k.expiresAt, now), 0), 'day')})`;
}

/** The same for a key already expired: "… expired on 2026-11-20". */
export function describeLapse(k: Pick<EffectiveExpiry, 'role' | 'keyId'> & { expiresAt: string }, owner: string): string {
  return `${k.role} ${k.keyId} of ${owner} expired on ${k.expiresAt.slice(0, 10)}`;
}

const isExpiringKey = (v: unknown): v is ExpiringKey => {
  const k = v as Partial<ExpiringKey> | null;
  return typeof k === 'object' && k !== null && typeof k.role === 'string' && typeof k.keyId === 'string' && typeof k.owner === 'string' && typeof k.expiresAt === 'string';
};

/**
 * The digest's lines for the keys it was queued with (`expiringKeys` in the mail's context, read
 * back from JSON: anything not shaped like a key is left out), days counted at sending time.
 */
export function expiringKeyLines(value: unknown, now: Date): string[] {
  return (Array.isArray(value) ? value : []).filter(isExpiringKey).map((k) => `${describeExpiry(k, now)}${k.contact ? `: ask ${k.contact} for a renewed key` : ''}`);
}
