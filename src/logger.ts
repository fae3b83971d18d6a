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
  // OAuth2: bearer tokens and client credentials (RFC 6750 §5.3: a token is as good as a password).
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
  'refreshToken',
  '*.refreshToken',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'assertion',
  '*.assertion',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
];

export interface LoggerOptions {
  level?: string;
  pretty?: boolean;
  destination?: DestinationStream;
  /** 1 for stdout (the daemon, which prints nothing else), 2 for stderr (commands with output). */
  fd?: 1 | 2;
}

/**
 * The one root logger. Components take a child (`logger.child({ component: 'imap' })`).
 * Commands log to stderr so that stdout stays clean for `--json` output; the daemon (`run`), which
 * prints nothing else, logs to stdout, where systemd/journald and container runtimes read it.
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
  const fd = opts.fd ?? 2;
  if (opts.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { destination: fd } } });
  }
  return pino(options, pino.destination(fd));
}
