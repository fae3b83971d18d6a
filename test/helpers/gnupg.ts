import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A throwaway GnuPG keyring, as the developer receiving the identifiers has one. */
export function gnupgHome(armoredKeys: string[]): { decrypt(armoredMessage: string): string; destroy(): void } {
  const home = mkdtempSync(path.join(tmpdir(), 'cs-gnupg-'));
  chmodSync(home, 0o700);
  const env = { ...process.env, GNUPGHOME: home };
  armoredKeys.forEach((k, i) => {
    const f = path.join(home, `k${i}.asc`);
    writeFileSync(f, k);
    execFileSync('gpg', ['--batch', '--import', f], { env, stdio: 'ignore' });
  });
  return {
    decrypt(armoredMessage: string): string {
      const f = path.join(home, `m${Date.now()}.asc`);
      writeFileSync(f, armoredMessage);
      return execFileSync('gpg', ['--batch', '--status-fd', '1', '--decrypt', f], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    },
    destroy(): void {
      try {
        execFileSync('gpgconf', ['--kill', 'all'], { env, stdio: 'ignore' });
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  };
}
