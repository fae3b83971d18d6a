import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The whole configuration, read from the environment once and frozen.
 * A function of `env` (not a module-level singleton) so tests and the CLI pass their own.
 */
const schema = z.object({
  COUNTERSIGN_DB: z.string().min(1).default('./var/countersign.sqlite'),
  COUNTERSIGN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  COUNTERSIGN_LOG_PRETTY: z.enum(['0', '1', 'true', 'false', '']).default('0'),
});

export type Config = Readonly<{
  dbPath: string;
  logLevel: z.infer<typeof schema>['COUNTERSIGN_LOG_LEVEL'];
  logPretty: boolean;
}>;

export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`${variable}: ${detail}`);
    this.name = 'ConfigError';
  }
}

/** Reads `NAME` or, when `NAME_FILE` is set, the trimmed content of that file (for secrets). */
export function readSecret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError(`${name}_FILE`, `cannot read ${file}: ${(err as Error).message}`);
    }
  }
  return env[name];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const c = parsed.data;
  return Object.freeze({
    dbPath: c.COUNTERSIGN_DB === ':memory:' ? ':memory:' : path.resolve(c.COUNTERSIGN_DB),
    logLevel: c.COUNTERSIGN_LOG_LEVEL,
    logPretty: c.COUNTERSIGN_LOG_PRETTY === '1' || c.COUNTERSIGN_LOG_PRETTY === 'true',
  });
}
