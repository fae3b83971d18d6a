import { readFile } from 'node:fs/promises';
import type * as openpgp from 'openpgp';
import { ConfigError } from '../config.js';
import { loadSigningKey } from './pgp-mime.js';

/**
 * The bot's signing key from its file (COUNTERSIGN_SIGNING_KEY), opened with its passphrase: the one
 * reading the daemon's sender and the CLI (`log checkpoint`, `keys check`) share. A file that cannot
 * be read, or a key that does not open or cannot sign, is a ConfigError naming the variable.
 */
export async function readSigningKey(file: string, passphrase: string | undefined): Promise<openpgp.PrivateKey> {
  let armored: string;
  try {
    armored = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError('COUNTERSIGN_SIGNING_KEY', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return await loadSigningKey(armored, passphrase);
  } catch (e) {
    throw new ConfigError('COUNTERSIGN_SIGNING_KEY', `the key does not open or cannot sign (check COUNTERSIGN_SIGNING_KEY_PASSPHRASE): ${(e as Error).message}`);
  }
}
