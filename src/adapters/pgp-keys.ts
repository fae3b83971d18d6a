import * as openpgp from 'openpgp';
import type { EffectiveExpiry, ExpiringRole } from '../core/key-expiry.js';

export type KeyProblem = 'unreadable' | 'private_key' | 'revoked' | 'expired' | 'no_encryption_key';

export interface KeyInfo {
  fingerprint: string;
  /** ISO 8601, or null for a key that never expires; for a usable key, when it stops encrypting. */
  expiresAt: string | null;
  userIds: string[];
}

export type KeyInspection = { ok: true; info: KeyInfo } | { ok: false; problem: KeyProblem; info?: KeyInfo; detail: string };

const PROBLEM_WORDS: Readonly<Record<KeyProblem, string>> = {
  unreadable: 'is not an armored OpenPGP public key',
  private_key: 'is a private key; give the partner\'s public key',
  revoked: 'is revoked',
  expired: 'has expired',
  no_encryption_key: 'has no valid encryption-capable key (sign-only, or its encryption subkey expired or was revoked)',
};

export const describeKeyProblem = (p: KeyProblem): string => PROBLEM_WORDS[p];

/** Whether a partner's key can receive encrypted identifiers at `now`. */
export async function inspectPublicKey(armored: string, now: Date = new Date()): Promise<KeyInspection> {
  let key: openpgp.Key;
  try {
    key = await openpgp.readKey({ armoredKey: armored });
  } catch (e) {
    return { ok: false, problem: 'unreadable', detail: (e as Error).message };
  }
  const expiration = await key.getExpirationTime().catch(() => null);
  const info: KeyInfo = {
    fingerprint: key.getFingerprint().toUpperCase(),
    expiresAt: expiration instanceof Date ? expiration.toISOString() : null,
    userIds: key.getUserIDs(),
  };
  if (key.isPrivate()) return { ok: false, problem: 'private_key', info, detail: PROBLEM_WORDS.private_key };
  if (await key.isRevoked(undefined, undefined, now)) return { ok: false, problem: 'revoked', info, detail: PROBLEM_WORDS.revoked };
  if (expiration instanceof Date && expiration.getTime() <= now.getTime()) {
    return { ok: false, problem: 'expired', info, detail: `${PROBLEM_WORDS.expired} (${info.expiresAt})` };
  }
  try {
    await key.getEncryptionKey(undefined, now);
  } catch {
    return { ok: false, problem: 'no_encryption_key', info, detail: PROBLEM_WORDS.no_encryption_key };
  }
  // The date recorded (registry import, `registry show`, the import's itemised changes) is when
  // encryption stops: an encryption subkey may expire long before a primary key that never does.
  const effective = await effectiveExpiry(key, 'encrypt', now);
  return { ok: true, info: effective ? { ...info, expiresAt: effective.expiresAt } : info };
}

export type Capability = 'encrypt' | 'sign';

/** The primary key's own expiry (ISO 8601), or null when it never expires. */
export async function primaryExpiry(key: openpgp.Key): Promise<string | null> {
  const expiration = await key.getExpirationTime().catch(() => null);
  return expiration instanceof Date ? expiration.toISOString() : null;
}

/** Reads an armored public or private key; null when it is not one (the problem is named elsewhere). */
export async function readAnyKey(armored: string): Promise<openpgp.Key | null> {
  try {
    return await openpgp.readKey({ armoredKey: armored });
  } catch {
    return null;
  }
}

const ms = (d: Date | number | null): number | null => (d === null ? null : d instanceof Date ? d.getTime() : d);

interface Candidate {
  key: openpgp.Key | openpgp.Subkey;
  /** When it stops: its own expiry, bounded by the primary key's (Infinity: never). */
  until: number;
  expiry: EffectiveExpiry;
}

/**
 * Every key of `key` (primary and subkeys) with the moment it stops serving, each bounded by the
 * primary key's expiry; whether it can serve `capability` at a given time is asked of openpgp.
 */
async function candidates(key: openpgp.Key, capability: Capability, now: Date): Promise<Candidate[]> {
  const primaryUntil = ms(await key.getExpirationTime().catch(() => null));
  if (primaryUntil === null) return [];
  const subRole: ExpiringRole = capability === 'encrypt' ? 'encryption subkey' : 'signing subkey';
  const primary = { role: 'primary key' as const, keyId: key.getKeyID().toHex().toUpperCase(), fingerprint: key.getFingerprint().toUpperCase() };
  const out: Candidate[] = [];
  for (const k of key.getKeys()) {
    const own = k === key ? primaryUntil : ms(await (k as openpgp.Subkey).getExpirationTime(now).catch(() => null));
    if (own === null) continue;
    // On a tie the primary key is named (renewing the subkey alone would not help), unless neither expires.
    const byPrimary = k === key || primaryUntil < own || (primaryUntil === own && Number.isFinite(own));
    const until = Math.min(own, primaryUntil);
    const ids = byPrimary ? primary : { role: subRole, keyId: k.getKeyID().toHex().toUpperCase(), fingerprint: k.getFingerprint().toUpperCase() };
    out.push({ key: k, until, expiry: { ...ids, expiresAt: Number.isFinite(until) ? new Date(until).toISOString() : null } });
  }
  return out;
}

/** Whether openpgp itself would pick `k` to encrypt to (or sign with) at `at`: the same rules as sending. */
async function serves(key: openpgp.Key, k: openpgp.Key | openpgp.Subkey, capability: Capability, at: Date): Promise<boolean> {
  try {
    await (capability === 'encrypt' ? key.getEncryptionKey(k.getKeyID(), at) : key.getSigningKey(k.getKeyID(), at));
    return true;
  } catch {
    return false;
  }
}

/**
 * When `key` stops being able to encrypt (or sign), and which key's expiry that is. openpgp encrypts
 * to the newest valid encryption subkey and falls back to an older one when that expires, so what
 * matters is the latest-expiring of the keys valid now, each bounded by the primary key's expiry —
 * not the primary key's expiry alone (a primary key that never expires over an encryption subkey
 * expiring next week stops working next week). Null when no key serves the capability now.
 */
export async function effectiveExpiry(key: openpgp.Key, capability: Capability, now: Date = new Date()): Promise<EffectiveExpiry | null> {
  let best: Candidate | null = null;
  for (const c of await candidates(key, capability, now)) {
    if (c.until <= now.getTime() || (best !== null && c.until <= best.until)) continue;
    if (await serves(key, c.key, capability, now)) best = c;
  }
  return best?.expiry ?? null;
}

/**
 * For a key that can no longer encrypt (or sign): the last of its keys that could, and when it
 * expired — so "unusable" can say which key lapsed and since when. Null when none ever lapsed by
 * expiring (revoked, sign-only, unreadable: described by the key's problem instead).
 */
export async function lapsedExpiry(key: openpgp.Key, capability: Capability, now: Date = new Date()): Promise<EffectiveExpiry | null> {
  let best: Candidate | null = null;
  for (const c of await candidates(key, capability, now)) {
    if (!Number.isFinite(c.until) || c.until > now.getTime() || (best !== null && c.until <= best.until)) continue;
    // Expiry is exclusive (a key is expired at its expiration time): ask about the second before.
    if (await serves(key, c.key, capability, new Date(c.until - 1000))) best = c;
  }
  return best?.expiry ?? null;
}
