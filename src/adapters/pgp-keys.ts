import * as openpgp from 'openpgp';

export type KeyProblem = 'unreadable' | 'private_key' | 'revoked' | 'expired' | 'no_encryption_key';

export interface KeyInfo {
  fingerprint: string;
  /** ISO 8601, or null for a key that never expires. */
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
  return { ok: true, info };
}
