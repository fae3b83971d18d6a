import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The in-process tests Stryker runs against each mutant of `src/core/` (`npm run mutate`). No
 * `globalSetup`: nothing here builds the binary or starts Dovecot, so a mutant run costs
 * milliseconds, not seconds.
 *
 * test/hostile/ mixes unit tests with tests that run the binary or a real SMTP peer, so files are
 * chosen by what they import: one that imports a helper starting a server or a process (or
 * child_process itself) needs the global setup and is left to `npm test`.
 */
const FOLDERS = ['test/core', 'test/decisions', 'test/hostile'];
const STARTS_SOMETHING = /from '(node:child_process|\.\.\/helpers\/(run-cli|project|smtp-peer|dovecot|gnupg|imap-client)\.js)'/;

const inProcessTests = FOLDERS.filter((dir) => existsSync(dir)).flatMap((dir) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.posix.join(dir, f.split(path.sep).join('/')))
    .filter((f) => !STARTS_SOMETHING.test(readFileSync(f, 'utf8'))),
);

export default defineConfig({
  test: {
    include: inProcessTests,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
