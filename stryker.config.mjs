// Mutation testing of the pure core (`npm run mutate`; not run in CI, it takes long on a small machine).
// While working on a few files: `npx stryker run --mutate src/core/a.ts,src/core/b.ts`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // The phrase lists are data (YAML), and everything outside the core is exercised by integration tests.
  mutate: ['src/core/**/*.ts', '!src/core/phrases/**'],
  testRunner: 'vitest',
  // Only the in-process tests: no globalSetup, so Dovecot is never started and no binary is built.
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  // A mutant the compiler rejects could never ship; the checker drops it before any test runs.
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // The machine has 2 cores: one checker and one test runner.
  concurrency: 2,
  timeoutMS: 10_000,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // The sandbox lives under reports/ too, so the one ignored folder covers everything Stryker writes.
  tempDirName: 'reports/.stryker-tmp',
  ignorePatterns: ['/dist', '/dist-bench', '/var', '/reports'],
  reporters: ['html', 'json', 'progress', 'clear-text'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowEmojis: false, logTests: false, maxTestsToLog: 0 },
};
