import { readFile } from 'node:fs/promises';
import type * as openpgp from 'openpgp';
import { readSigningKey } from '../adapters/read-signing-key.js';
import { ConfigError, type Config } from '../config.js';
import { BOT_KEY_OWNER, daysLeft, describeExpiry, describeLapse, expiresSoon, type EffectiveExpiry } from '../core/key-expiry.js';

/** The bot's OpenPGP key (COUNTERSIGN_SIGNING_KEY), which signs identifiers mail and log checkpoints. */
export async function botKey(config: Config, purpose: string): Promise<openpgp.PrivateKey> {
  if (!config.signingKeyFile) throw new ConfigError('COUNTERSIGN_SIGNING_KEY', `is not set; ${purpose} needs the bot's signing key`);
  return readSigningKey(config.signingKeyFile, config.signingKeyPassphrase);
}

export interface BotKeyRow {
  /** The key file (COUNTERSIGN_SIGNING_KEY), or null when none is configured. */
  file: string | null;
  fingerprint: string | null;
  /** When the key stops being able to sign (ISO 8601; null: never): the signing key's (primary or signing subkey) expiry. */
  expiresAt: string | null;
  expiringKey: Omit<EffectiveExpiry, 'expiresAt'> | null;
  daysLeft: number | null;
  canSign: boolean;
  problem: string | null;
  warning: string | null;
}

/**
 * The bot's key as `keys check` reports it: when its signing key expires. Only the public part is
 * read, so no passphrase is needed (`doctor` checks that the passphrase opens it).
 */
export async function botKeyReport(config: Config, now: Date = new Date()): Promise<BotKeyRow> {
  const row: BotKeyRow = { file: config.signingKeyFile, fingerprint: null, expiresAt: null, expiringKey: null, daysLeft: null, canSign: false, problem: null, warning: null };
  if (!config.signingKeyFile) return row;
  let armored: string;
  try {
    armored = await readFile(config.signingKeyFile, 'utf8');
  } catch (e) {
    return { ...row, problem: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  const { effectiveExpiry, lapsedExpiry, readAnyKey } = await import('../adapters/pgp-keys.js');
  const key = await readAnyKey(armored);
  if (!key) return { ...row, problem: 'is not an armored OpenPGP key' };
  const fingerprint = key.getFingerprint().toUpperCase();
  const effective = await effectiveExpiry(key, 'sign', now);
  if (!effective) {
    const lapsed = await lapsedExpiry(key, 'sign', now);
    const why = lapsed?.expiresAt ? describeLapse({ ...lapsed, expiresAt: lapsed.expiresAt }, BOT_KEY_OWNER) : 'it has no valid signing key (revoked, or no key may sign)';
    return { ...row, fingerprint, expiresAt: lapsed?.expiresAt ?? null, expiringKey: lapsed ? { role: lapsed.role, keyId: lapsed.keyId, fingerprint: lapsed.fingerprint } : null, problem: `cannot sign: ${why}` };
  }
  const { expiresAt } = effective;
  return {
    ...row,
    fingerprint,
    expiresAt,
    expiringKey: { role: effective.role, keyId: effective.keyId, fingerprint: effective.fingerprint },
    daysLeft: expiresAt === null ? null : daysLeft(expiresAt, now),
    canSign: true,
    warning: expiresSoon(expiresAt, now) ? describeExpiry({ ...effective, owner: BOT_KEY_OWNER, expiresAt }, now) : null,
  };
}

/** What to do about the bot's key expiring: extend it where it lives, then export it again. */
export function renewBotKeyFix(k: { fingerprint: string | null; expiringKey: { role: string; fingerprint: string } | null }): string {
  const sub = k.expiringKey && k.expiringKey.role !== 'primary key' ? ` ${k.expiringKey.fingerprint}` : '';
  return `extend it (\`gpg --quick-set-expire ${k.fingerprint ?? 'FINGERPRINT'} 1y${sub}\`, then export the private key again to COUNTERSIGN_SIGNING_KEY) or configure a new key`;
}
