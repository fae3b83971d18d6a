import pino, { type Logger, type DestinationStream } from 'pino';
import { scrub } from './secret-scrubber.js';

export type { Logger };

/** Field paths that may hold secrets or personal credentials; their values are never written. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'passphrase',
  '*.passphrase',
  'pass',
  '*.pass',
  'auth.pass',
  'testEnvironmentIds',
  'productionEnvironmentIds',
  '*.testEnvironmentIds',
  '*.productionEnvironmentIds',
  'identifiers',
  '*.identifiers',
  'privateKey',
  '*.privateKey',
];

export interface LoggerOptions {
  level?: string;
  pretty?: boolean;
  destination?: DestinationStream;
}

/**
 * The one root logger. Components take a child (`logger.child({ component: 'imap' })`).
 * Logs go to stderr so that stdout stays clean for `--json` output; the daemon's JSON logs are read
 * from stderr by systemd/journald and container runtimes alike.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    base: { app: 'countersign' },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: {
      // Last line of defence: mask any registered environment identifier in the serialized line.
      streamWrite: (line: string) => scrub(line),
    },
  };
  if (opts.destination) return pino(options, opts.destination);
  if (opts.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: 2 } } });
  }
  return pino(options, pino.destination(2));
}
