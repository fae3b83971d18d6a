import { defineConfig } from 'vitest/config';

/**
 * The in-process tests Stryker runs against each mutant of `src/core/` (`npm run mutate`). No
 * `globalSetup`: nothing here builds the binary or starts Dovecot, so a mutant run costs
 * milliseconds, not seconds. Only tests that start no server and spawn no process belong here;
 * a test under these folders that needs a server must live under `test/integration/` instead.
 */
export default defineConfig({
  test: {
    include: ['test/core/**/*.test.ts', 'test/decisions/**/*.test.ts', 'test/hostile/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
