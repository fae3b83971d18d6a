import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureDovecot } from './helpers/dovecot.js';

/**
 * Once, before any test file runs: build the real binary (integration tests run it; a stale dist/
 * would test old code), and make sure Dovecot is installed — here, not in each file's setup, so that
 * two test files never run apt-get at the same time.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit', cwd: root });
  // The rest of `npm run build`: the language model as JSON (scripts/build-language-model.mjs).
  execFileSync(process.execPath, [`${root}scripts/build-language-model.mjs`], { stdio: 'inherit', cwd: root });
  ensureDovecot();
}
