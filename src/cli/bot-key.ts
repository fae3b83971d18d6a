import { readFile } from 'node:fs/promises';
import type * as openpgp from 'openpgp';
import { loadSigningKey } from '../adapters/pgp-mime.js';
import { ConfigError, type Config } from '../config.js';

/** The bot's OpenPGP key (COUNTERSIGN_SIGNING_KEY), which signs identifiers mail and log checkpoints. */
export async function botKey(config: Config, purpose: string): Promise<openpgp.PrivateKey> {
  if (!config.signingKeyFile) throw new ConfigError('COUNTERSIGN_SIGNING_KEY', `is not set; ${purpose} needs the bot's signing key`);
  let armored: string;
  try {
    armored = await readFile(config.signingKeyFile, 'utf8');
  } catch (e) {
    throw new ConfigError('COUNTERSIGN_SIGNING_KEY', `cannot read ${config.signingKeyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return await loadSigningKey(armored, config.signingKeyPassphrase);
  } catch (e) {
    throw new ConfigError('COUNTERSIGN_SIGNING_KEY', `the key does not open or cannot sign (check COUNTERSIGN_SIGNING_KEY_PASSPHRASE): ${(e as Error).message}`);
  }
}
