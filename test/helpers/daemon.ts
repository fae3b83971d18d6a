import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './run-cli.js';

export interface Daemon {
  child: ChildProcess;
  /** Everything the daemon wrote (its JSON log lines on stdout, and stderr). */
  output: () => string;
  exited: Promise<number | null>;
  /** SIGTERM, and wait for the exit code. */
  stop: () => Promise<number | null>;
}

/** `countersign run` as a service manager would start it, with its own environment. */
export function startDaemon(env: Record<string, string>, args: string[] = []): Daemon {
  const child = spawn(process.execPath, [BIN, 'run', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  child.stdout!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export async function waitFor<T>(what: string, fn: () => T | undefined | false | null, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
