import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The whole configuration, read from the environment once and frozen.
 * A function of `env` (not a module-level singleton) so tests and the CLI pass their own.
 */
const flag = z.enum(['0', '1', 'true', 'false', 'yes', 'no']).transform((v) => v === '1' || v === 'true' || v === 'yes');
const seconds = z.coerce.number().int().positive();

const schema = z.object({
  COUNTERSIGN_DB: z.string().min(1).default('./var/countersign.sqlite'),
  COUNTERSIGN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  COUNTERSIGN_LOG_PRETTY: flag.default(false),
  COUNTERSIGN_IMAP_URL: z.string().optional(),
  COUNTERSIGN_IMAP_PASSWORD: z.string().optional(),
  COUNTERSIGN_POLL_SECONDS: seconds.default(60),
  COUNTERSIGN_IDLE_RESTART_SECONDS: seconds.default(240),
  COUNTERSIGN_MAILDIR: z.string().min(1).default('./var/maildir'),
  COUNTERSIGN_MAX_MESSAGE_BYTES: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  COUNTERSIGN_MOVE: flag.default(true),
  COUNTERSIGN_FOLDER_PROCESSED: z.string().min(1).default('Countersign/Processed'),
  COUNTERSIGN_FOLDER_FLAGGED: z.string().min(1).default('Countersign/Flagged'),
  COUNTERSIGN_FOLDER_IGNORED: z.string().min(1).default('Countersign/Ignored'),
  COUNTERSIGN_RAW_RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
  COUNTERSIGN_AUTHSERV_ID: z.string().min(1).optional(),
  COUNTERSIGN_VERIFY_DKIM: flag.default(false),
  COUNTERSIGN_FROM: z.email({ message: 'must be an email address' }).default('apipartners@countersign.invalid'),
  COUNTERSIGN_BOUNCE_ADDRESS: z.email({ message: 'must be an email address' }).optional(),
  COUNTERSIGN_VERP: z.enum(['on', 'off', '1', '0', 'true', 'false', 'yes', 'no']).transform((v) => ['on', '1', 'true', 'yes'].includes(v)).default(true),
  COUNTERSIGN_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.6),
  COUNTERSIGN_FLAG_TTL_DAYS: z.coerce.number().int().positive().default(14),
  COUNTERSIGN_FLAG_REMIND_HOURS: z.coerce.number().positive().default(24),
  COUNTERSIGN_TEST_CRASH_AT: z.enum(['after_parse', 'after_commit', 'after_send', 'during_decision', 'decision_oom']).optional(),
  COUNTERSIGN_TEST_SLOW_DECISION_MS: z.coerce.number().int().positive().optional(),
  COUNTERSIGN_DECISION_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  COUNTERSIGN_DECISION_MEMORY_MB: z.coerce.number().int().min(64).default(256),
  COUNTERSIGN_DECISION_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(3),
  COUNTERSIGN_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  COUNTERSIGN_OUTBOX_DIR: z.string().min(1).default('./var/outbox'),
  COUNTERSIGN_SIGNING_KEY: z.string().min(1).optional(),
  COUNTERSIGN_AUDIT_TO: z.email({ message: 'must be an email address' }).optional(),
  COUNTERSIGN_TEMPLATES_DIR: z.string().min(1).optional(),
  COUNTERSIGN_MAX_MAILS_PER_RECIPIENT_HOUR: z.coerce.number().int().positive().default(20),
  COUNTERSIGN_TEAM_NAME: z.string().min(1).default('API Partners'),
  COUNTERSIGN_HTTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  COUNTERSIGN_HTTP_BIND: z.string().min(1).default('127.0.0.1'),
  COUNTERSIGN_CLIENT_REJECT_NOTICE: flag.default(true),
  COUNTERSIGN_SINCE: z
    .string()
    .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), 'must be a date (YYYY-MM-DD or an ISO 8601 time)')
    .optional(),
});

export interface ImapConfig {
  secure: boolean;
  host: string;
  port: number;
  user: string;
  pass: string;
  mailbox: string;
  /** The URL without its password: how the mailbox is named in logs and the database. */
  display: string;
}

export type Config = Readonly<{
  dbPath: string;
  logLevel: z.infer<typeof schema>['COUNTERSIGN_LOG_LEVEL'];
  logPretty: boolean;
  imap: ImapConfig | null;
  pollSeconds: number;
  idleRestartSeconds: number;
  maildir: string;
  maxMessageBytes: number;
  move: boolean;
  folders: { processed: string; flagged: string; ignored: string };
  rawRetentionDays: number;
  authservId: string | null;
  verifyDkim: boolean;
  from: string;
  /** Where delivery reports come back: the envelope sender of every outgoing mail (with a VERP token). */
  bounceAddress: string;
  /** Per-mail return paths `local+TOKEN@domain`; off: only reports authenticated from our own domain count. */
  verp: boolean;
  minConfidence: number;
  flagTtlDays: number;
  flagRemindHours: number;
  testCrashAt: 'after_parse' | 'after_commit' | 'after_send' | 'during_decision' | 'decision_oom' | null;
  /** Test only: a message carrying the X-Countersign-Test-Hostile header takes this long to decide (in the worker). */
  testSlowDecisionMs: number | null;
  /** Wall-clock bound on parsing and deciding one message (in the decision worker). */
  decisionTimeoutMs: number;
  /** The decision worker's heap cap (V8 old generation), so one message cannot exhaust the daemon's memory. */
  decisionMemoryMb: number;
  /** A message whose handling killed the process this many times is recorded failed instead of decided again. */
  decisionMaxAttempts: number;
  smtpUrl: string | null;
  outboxDir: string;
  signingKeyFile: string | null;
  signingKeyPassphrase: string | undefined;
  /** Where the daily signed log checkpoint is mailed; null: written to disk only. */
  auditTo: string | null;
  /** A folder whose NAME.txt files replace the built-in templates one by one; null: built-in only. */
  templatesDir: string | null;
  maxMailsPerRecipientHour: number;
  teamName: string;
  httpPort: number | null;
  httpBind: string;
  /** OAuth2 for the IMAP and SMTP logins (Microsoft 365, Google Workspace or any token endpoint); null: passwords. */
  oauth: OAuthConfig | null;
  /** Test only: before moving filed mail, write `<path>.waiting` and wait for `<path>` to exist (the IDLE race test). */
  testPauseBeforeMove: string | null;
  /** After staff reject a client's flagged mail, tell the client in a short neutral notice. */
  clientRejectNotice: boolean;
  /** Mail dated before this (ISO 8601) is recorded ignored (`before_start`) without notifying anyone; null: none. */
  since: string | null;
}>;

export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`${variable}: ${detail}`);
    this.name = 'ConfigError';
  }
}

/** Reads `NAME` or, when `NAME_FILE` is set, the content of that file without its final newline. */
export function readSecret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError(`${name}_FILE`, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  return env[name] || undefined;
}

/** `imap://user:pass@host:port/MAILBOX` or `imaps://…`; user and password percent-encoded. */
export function parseImapUrl(value: string, password: string | undefined, oauth = false): ImapConfig {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('COUNTERSIGN_IMAP_URL', 'is not a URL (expected imap://user@host:port/MAILBOX or imaps://…)');
  }
  if (url.protocol !== 'imap:' && url.protocol !== 'imaps:') throw new ConfigError('COUNTERSIGN_IMAP_URL', `scheme must be imap or imaps, not ${url.protocol.replace(':', '')}`);
  if (!url.hostname) throw new ConfigError('COUNTERSIGN_IMAP_URL', 'names no host');
  if (!url.username) throw new ConfigError('COUNTERSIGN_IMAP_URL', 'names no user (imap://USER@host/…)');
  const secure = url.protocol === 'imaps:';
  const pass = url.password ? decodeURIComponent(url.password) : password;
  if (!pass && !oauth) throw new ConfigError('COUNTERSIGN_IMAP_PASSWORD', 'no password: put it in the URL, COUNTERSIGN_IMAP_PASSWORD or COUNTERSIGN_IMAP_PASSWORD_FILE, or configure COUNTERSIGN_OAUTH_PROVIDER');
  const mailbox = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX';
  const port = url.port ? Number(url.port) : secure ? 993 : 143;
  const user = decodeURIComponent(url.username);
  // An empty password means OAuth2: the login is made with an access token.
  return { secure, host: url.hostname.replace(/^\[|\]$/g, ''), port, user, pass: pass ?? '', mailbox, display: `${url.protocol}//${encodeURIComponent(user)}@${url.host}/${mailbox}` };
}

/**
 * The bounce address, checked so its VERP form `local+ID-MAC@domain` (a 24-character mac, an outbox
 * row id of up to 10 digits) stays within the 64-character local part of RFC 5321 §4.5.3.1.1.
 */
function bounceAddress(value: string, verp: boolean): string {
  const address = value.toLowerCase();
  const local = address.slice(0, address.lastIndexOf('@'));
  if (verp && local.length > 28) throw new ConfigError('COUNTERSIGN_BOUNCE_ADDRESS', `the local part "${local}" is too long for a VERP return path (at most 28 characters); set a shorter COUNTERSIGN_BOUNCE_ADDRESS`);
  return address;
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
  const oauth = loadOAuthConfig(env);
  return Object.freeze({
    dbPath: c.COUNTERSIGN_DB === ':memory:' ? ':memory:' : path.resolve(c.COUNTERSIGN_DB),
    logLevel: c.COUNTERSIGN_LOG_LEVEL,
    logPretty: c.COUNTERSIGN_LOG_PRETTY,
    imap: c.COUNTERSIGN_IMAP_URL ? parseImapUrl(c.COUNTERSIGN_IMAP_URL, readSecret(env, 'COUNTERSIGN_IMAP_PASSWORD'), oauth !== null) : null,
    pollSeconds: c.COUNTERSIGN_POLL_SECONDS,
    idleRestartSeconds: c.COUNTERSIGN_IDLE_RESTART_SECONDS,
    maildir: path.resolve(c.COUNTERSIGN_MAILDIR),
    maxMessageBytes: c.COUNTERSIGN_MAX_MESSAGE_BYTES,
    move: c.COUNTERSIGN_MOVE,
    folders: { processed: c.COUNTERSIGN_FOLDER_PROCESSED, flagged: c.COUNTERSIGN_FOLDER_FLAGGED, ignored: c.COUNTERSIGN_FOLDER_IGNORED },
    rawRetentionDays: c.COUNTERSIGN_RAW_RETENTION_DAYS,
    authservId: c.COUNTERSIGN_AUTHSERV_ID ?? null,
    verifyDkim: c.COUNTERSIGN_VERIFY_DKIM,
    from: c.COUNTERSIGN_FROM.toLowerCase(),
    bounceAddress: bounceAddress(c.COUNTERSIGN_BOUNCE_ADDRESS ?? c.COUNTERSIGN_FROM, c.COUNTERSIGN_VERP),
    verp: c.COUNTERSIGN_VERP,
    minConfidence: c.COUNTERSIGN_MIN_CONFIDENCE,
    flagTtlDays: c.COUNTERSIGN_FLAG_TTL_DAYS,
    flagRemindHours: c.COUNTERSIGN_FLAG_REMIND_HOURS,
    testCrashAt: c.COUNTERSIGN_TEST_CRASH_AT ?? null,
    testSlowDecisionMs: c.COUNTERSIGN_TEST_SLOW_DECISION_MS ?? null,
    decisionTimeoutMs: c.COUNTERSIGN_DECISION_TIMEOUT_MS,
    decisionMemoryMb: c.COUNTERSIGN_DECISION_MEMORY_MB,
    decisionMaxAttempts: c.COUNTERSIGN_DECISION_MAX_ATTEMPTS,
    smtpUrl: c.COUNTERSIGN_SMTP_URL ?? null,
    outboxDir: path.resolve(c.COUNTERSIGN_OUTBOX_DIR),
    signingKeyFile: c.COUNTERSIGN_SIGNING_KEY ? path.resolve(c.COUNTERSIGN_SIGNING_KEY) : null,
    signingKeyPassphrase: readSecret(env, 'COUNTERSIGN_SIGNING_KEY_PASSPHRASE'),
    auditTo: c.COUNTERSIGN_AUDIT_TO ?? null,
    templatesDir: c.COUNTERSIGN_TEMPLATES_DIR ? path.resolve(c.COUNTERSIGN_TEMPLATES_DIR) : null,
    maxMailsPerRecipientHour: c.COUNTERSIGN_MAX_MAILS_PER_RECIPIENT_HOUR,
    teamName: c.COUNTERSIGN_TEAM_NAME,
    httpPort: c.COUNTERSIGN_HTTP_PORT ?? null,
    httpBind: c.COUNTERSIGN_HTTP_BIND,
    oauth,
    testPauseBeforeMove: env.COUNTERSIGN_TEST_PAUSE_BEFORE_MOVE || null,
    clientRejectNotice: c.COUNTERSIGN_CLIENT_REJECT_NOTICE,
    since: c.COUNTERSIGN_SINCE ? new Date(c.COUNTERSIGN_SINCE).toISOString() : null,
  });
}

/** Scopes that cover both the IMAP and the SMTP login of each provider. */
export const OAUTH_SCOPES = { microsoft: 'https://outlook.office365.com/.default', google: 'https://mail.google.com/' } as const;

export type OAuthConfig =
  | { provider: 'microsoft'; tenant: string; clientId: string; clientSecret: string | null; certificateFile: string | null; authority: string; scope: string }
  | { provider: 'google'; serviceAccountFile: string; scope: string }
  | { provider: 'generic'; tokenUrl: string; clientId: string; clientSecret: string; scope: string | null };

/**
 * OAuth2 client credentials (COUNTERSIGN_OAUTH_*). Read apart from the schema above because which
 * variables are required depends on the provider; secrets also from `*_FILE`.
 */
export function loadOAuthConfig(env: NodeJS.ProcessEnv): OAuthConfig | null {
  const provider = env.COUNTERSIGN_OAUTH_PROVIDER || undefined;
  if (!provider) return null;
  const need = (name: string, why: string): string => {
    const v = readSecret(env, name);
    if (!v) throw new ConfigError(name, `is required with COUNTERSIGN_OAUTH_PROVIDER=${provider} (${why})`);
    return v;
  };
  const scope = env.COUNTERSIGN_OAUTH_SCOPE || null;
  switch (provider) {
    case 'microsoft': {
      const clientSecret = readSecret(env, 'COUNTERSIGN_OAUTH_CLIENT_SECRET') ?? null;
      const certificateFile = env.COUNTERSIGN_OAUTH_CERTIFICATE ? path.resolve(env.COUNTERSIGN_OAUTH_CERTIFICATE) : null;
      if (!clientSecret && !certificateFile) throw new ConfigError('COUNTERSIGN_OAUTH_CLIENT_SECRET', 'Microsoft 365 needs a client secret (COUNTERSIGN_OAUTH_CLIENT_SECRET or _FILE) or a certificate (COUNTERSIGN_OAUTH_CERTIFICATE, a PEM file with the private key and the certificate)');
      const authority = (env.COUNTERSIGN_OAUTH_AUTHORITY || 'https://login.microsoftonline.com').replace(/\/+$/, '');
      if (!/^https:\/\//.test(authority)) throw new ConfigError('COUNTERSIGN_OAUTH_AUTHORITY', 'must be an https:// URL (for example https://login.microsoftonline.us for US Government)');
      return { provider, tenant: need('COUNTERSIGN_OAUTH_TENANT', 'the directory (tenant) ID or domain'), clientId: need('COUNTERSIGN_OAUTH_CLIENT_ID', "the app registration's application (client) ID"), clientSecret, certificateFile, authority, scope: scope ?? OAUTH_SCOPES.microsoft };
    }
    case 'google':
      return { provider, serviceAccountFile: path.resolve(need('COUNTERSIGN_OAUTH_SERVICE_ACCOUNT', "the service account's JSON key file")), scope: scope ?? OAUTH_SCOPES.google };
    case 'generic': {
      const tokenUrl = need('COUNTERSIGN_OAUTH_TOKEN_URL', 'the token endpoint');
      if (!/^https?:\/\//.test(tokenUrl)) throw new ConfigError('COUNTERSIGN_OAUTH_TOKEN_URL', 'must be an http(s):// URL');
      return { provider, tokenUrl, clientId: need('COUNTERSIGN_OAUTH_CLIENT_ID', 'the client id'), clientSecret: need('COUNTERSIGN_OAUTH_CLIENT_SECRET', 'the client secret, or COUNTERSIGN_OAUTH_CLIENT_SECRET_FILE'), scope };
    }
    default:
      throw new ConfigError('COUNTERSIGN_OAUTH_PROVIDER', `must be microsoft, google or generic, not ${provider}`);
  }
}
