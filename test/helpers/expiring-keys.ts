import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as openpgp from 'openpgp';

const DAY_S = 86_400;

export interface GeneratedKey {
  publicKey: string;
  privateKey: string;
  fingerprint: string;
  /** The subkey the test is about (encryption or signing), when there is one. */
  subkeyFingerprint: string | null;
}

async function fingerprints(armored: string): Promise<{ fingerprint: string; subkeyFingerprint: string | null }> {
  const key = await openpgp.readKey({ armoredKey: armored });
  return { fingerprint: key.getFingerprint().toUpperCase(), subkeyFingerprint: key.subkeys.at(-1)?.getFingerprint().toUpperCase() ?? null };
}

/**
 * openpgp keys whose lifetimes tests choose: `primaryDays`/`subkeyDays` from `createdDaysAgo`
 * (0: never expires). The subkey encrypts unless `signingSubkey`.
 */
export async function openpgpKey(email: string, opts: { primaryDays?: number; subkeyDays?: number; createdDaysAgo?: number; signingSubkey?: boolean } = {}): Promise<GeneratedKey> {
  const k = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: email.split('@')[0]!, email }],
    date: new Date(Date.now() - (opts.createdDaysAgo ?? 0) * DAY_S * 1000),
    keyExpirationTime: (opts.primaryDays ?? 0) * DAY_S,
    subkeys: [{ keyExpirationTime: (opts.subkeyDays ?? 0) * DAY_S, ...(opts.signingSubkey ? { sign: true } : {}) }],
    format: 'armored',
  });
  return { publicKey: k.publicKey, privateKey: k.privateKey, ...(await fingerprints(k.publicKey)) };
}

/**
 * A key made as a partner or an operator makes one with GnuPG: a certify-only primary key that never
 * expires, and one subkey (`encr` or `sign`) that expires in `days` days.
 */
export function gpgKey(email: string, usage: 'encr' | 'sign', days: number): Promise<GeneratedKey> {
  const home = mkdtempSync(path.join(tmpdir(), 'cs-gpg-'));
  chmodSync(home, 0o700);
  const env = { ...process.env, GNUPGHOME: home };
  const gpg = (...args: string[]) => execFileSync('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    gpg('--quick-gen-key', `${email.split('@')[0]} <${email}>`, 'ed25519', 'cert', 'never');
    const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(gpg('--with-colons', '--list-keys', email))![1]!;
    gpg('--quick-add-key', fpr, usage === 'encr' ? 'cv25519' : 'ed25519', usage, `${days}d`);
    const publicKey = gpg('--armor', '--export', fpr);
    const privateKey = gpg('--armor', '--export-secret-keys', fpr);
    return fingerprints(publicKey).then((f) => ({ publicKey, privateKey, ...f }));
  } finally {
    try {
      execFileSync('gpgconf', ['--kill', 'all'], { env, stdio: 'ignore' });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }
}

/** "2026-12-09": the date a key made now expires after `days` days, as the warnings print it. */
export const dateIn = (days: number): string => new Date(Date.now() + days * DAY_S * 1000).toISOString().slice(0, 10);
