import { CliContext } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/main.js';
import type { Out } from '../../src/cli/output.js';

/** `countersign ARGS` in-process on a database file: exit code and output exactly as written (unscrubbed). */
export async function countersignInProcess(args: string[], dbPath: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out: Out = { stdout: (s) => void (stdout += s), stdoutWithSecrets: (s) => void (stdout += s), stderr: (s) => void (stderr += s) };
  process.exitCode = undefined;
  try {
    const code = await runCli(args, new CliContext({ COUNTERSIGN_DB: dbPath }, out)); // runCli closes the database
    return { code, stdout, stderr };
  } finally {
    // A command that sets the exit code (a partial import) must not leak it into the next run or vitest.
    process.exitCode = undefined;
  }
}
