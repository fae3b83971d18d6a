import { createHmac, randomBytes } from 'node:crypto';
import type { Hmac } from '../core/bounce-token.js';
import type { Db } from './open-db.js';

const KEY = 'verp_hmac_key';

function readKey(db: Db): Buffer | null {
  const row = db.$client.prepare('SELECT value FROM meta WHERE key = ?').get(KEY) as { value: string } | undefined;
  return row ? Buffer.from(row.value, 'hex') : null;
}

const hmacWith =
  (key: Buffer): Hmac =>
  (message) =>
    createHmac('sha256', key).update(message, 'utf8').digest();

/**
 * The HMAC that signs return-path tokens, with a random 32-byte key made once and kept in the
 * database (`meta`), so every process on this database issues and checks the same tokens and a
 * restart invalidates none. `INSERT … DO NOTHING` then read: two processes racing keep one key.
 */
export function bounceHmac(db: Db): Hmac {
  let key = readKey(db);
  if (!key) {
    db.$client.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING').run(KEY, randomBytes(32).toString('hex'));
    key = readKey(db)!;
  }
  return hmacWith(key);
}

/** The same HMAC for checking only: null while no mail has ever been sent with a token (nothing can match). */
export function existingBounceHmac(db: Db): Hmac | null {
  const key = readKey(db);
  return key ? hmacWith(key) : null;
}
