import { access, constants, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import type { CliContext } from './context.js';
import { printJson } from './output.js';

type Verdict = 'ok' | 'warn' | 'fail';
interface Check {
  check: string;
  verdict: Verdict;
  detail: string;
  fix?: string;
}

async function timed<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

async function writableDir(dir: string): Promise<string | null> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
}

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, '0');

/**
 * The database, its WAL files and its folder must be closed to group and others: the database holds
 * environment identifiers and raw client mail, and whoever can write the folder can replace it.
 */
async function fileModeChecks(dbPath: string, out: Check[]): Promise<void> {
  if (dbPath === ':memory:') return;
  const dir = path.dirname(path.resolve(dbPath));
  const open: string[] = [];
  const files: string[] = [];
  for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) {
    const st = await stat(f).catch(() => null);
    if (st && (st.mode & 0o066) !== 0) {
      open.push(`${f} is ${octal(st.mode)}`);
      files.push(f);
    }
  }
  const dirStat = await stat(dir).catch(() => null);
  const dirOpen = dirStat !== null && (dirStat.mode & 0o066) !== 0;
  if (dirOpen) open.push(`its folder ${dir} is ${octal(dirStat.mode)}`);
  if (open.length === 0) {
    out.push({ check: 'database files', verdict: 'ok', detail: 'readable and writable by the owner only' });
    return;
  }
  const fixes = [files.length ? `chmod 600 ${files.join(' ')}` : '', dirOpen ? `chmod 700 ${dir}` : ''].filter(Boolean);
  out.push({ check: 'database files', verdict: 'fail', detail: `readable or writable by others (it holds identifiers and raw mail): ${open.join('; ')}`, fix: fixes.join(' && ') });
}

async function imapChecks(config: Config, out: Check[]): Promise<void> {
  if (!config.imap) {
    const problem = await writableDir(config.maildir);
    out.push(problem ? { check: 'maildir', verdict: 'fail', detail: `${config.maildir}: ${problem}`, fix: 'create it or set COUNTERSIGN_MAILDIR to a writable folder' } : { check: 'maildir', verdict: 'ok', detail: `${config.maildir} (embedded default; no IMAP configured)` });
    return;
  }
  const imap = config.imap;
  const { connectImap, mailboxPath } = await import('../adapters/imap-login.js');
  const tokens = imap.pass ? null : await oauthCheck(config, imap.user, out);
  if (tokens === 'failed') return;
  let client: import('imapflow').ImapFlow;
  try {
    client = await timed(connectImap(imap, tokens, { connectionTimeout: 10_000, greetingTimeout: 10_000 }), 20_000, 'the IMAP server');
  } catch (e) {
    const err = e as { authenticationFailed?: boolean; message: string };
    out.push(
      err.authenticationFailed
        ? { check: 'imap login', verdict: 'fail', detail: `${imap.display}: ${err.message}`, fix: tokens ? 'grant the app access to this mailbox (see the README, OAuth2), or check the user in COUNTERSIGN_IMAP_URL' : 'check the user in COUNTERSIGN_IMAP_URL and the password (COUNTERSIGN_IMAP_PASSWORD or _FILE)' }
        : { check: 'imap reachable', verdict: 'fail', detail: `${imap.host}:${imap.port}: ${err.message}`, fix: 'check the host and port in COUNTERSIGN_IMAP_URL, and that the server is up' },
    );
    return;
  }
  out.push({ check: 'imap login', verdict: 'ok', detail: `${imap.display}${tokens ? ` (OAuth2, ${tokens.provider})` : ''}` });
  try {
    out.push(client.capabilities.has('IDLE') ? { check: 'imap idle', verdict: 'ok', detail: 'IDLE supported' } : { check: 'imap idle', verdict: 'warn', detail: 'IDLE not supported: new mail is seen at each poll only', fix: 'lower COUNTERSIGN_POLL_SECONDS' });
    const boxes = await client.list();
    const paths = new Set(boxes.map((b) => b.path));
    // Names as the daemon resolves them: through the personal namespace (prefix and delimiter, RFC 2342).
    const ns = client.namespace ?? { prefix: '', delimiter: boxes[0]?.delimiter ?? '/' };
    const mailbox = mailboxPath(ns, imap.mailbox);
    out.push(paths.has(mailbox) || mailbox === 'INBOX' ? { check: 'imap mailbox', verdict: 'ok', detail: mailbox } : { check: 'imap mailbox', verdict: 'fail', detail: `no mailbox "${mailbox}"`, fix: `create it, or fix the mailbox in COUNTERSIGN_IMAP_URL (existing: ${[...paths].slice(0, 8).join(', ')})` });
    if (config.move) {
      for (const f of Object.values(config.folders)) {
        const p = mailboxPath(ns, f);
        out.push({ check: 'imap folder', verdict: 'ok', detail: paths.has(p) ? `${p} exists` : `${p} will be created on start` });
      }
    }
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/**
 * With OAuth2: a token is acquired first, so that a provider's refusal (wrong tenant, wrong secret,
 * consent missing) is named as such instead of surfacing as a failed login.
 */
async function oauthCheck(config: Config, user: string, out: Check[]): Promise<import('../adapters/oauth/access-tokens.js').AccessTokens | null | 'failed'> {
  if (!config.oauth) return null;
  try {
    const { accessTokensFor } = await import('../adapters/oauth/build-access-tokens.js');
    const tokens = accessTokensFor(config.oauth)!;
    await timed(tokens.token(user), 30_000, `the token endpoint of ${tokens.provider}`);
    out.push({ check: 'oauth token', verdict: 'ok', detail: `${tokens.provider} issued a token for ${user}` });
    return tokens;
  } catch (e) {
    out.push({ check: 'oauth token', verdict: 'fail', detail: (e as Error).message, fix: 'fix the COUNTERSIGN_OAUTH_* setting named, or the app registration / delegation (see the README, OAuth2)' });
    return 'failed';
  }
}

async function smtpChecks(config: Config, out: Check[]): Promise<void> {
  if (!config.smtpUrl) {
    const problem = await writableDir(config.outboxDir);
    out.push(problem ? { check: 'outbox folder', verdict: 'fail', detail: `${config.outboxDir}: ${problem}`, fix: 'set COUNTERSIGN_OUTBOX_DIR to a writable folder, or configure COUNTERSIGN_SMTP_URL' } : { check: 'outbox folder', verdict: 'ok', detail: `${config.outboxDir} (embedded default; no SMTP configured)` });
    return;
  }
  const nodemailer = (await import('nodemailer')).default;
  const { smtpOptions } = await import('../adapters/mail-transport.js');
  const { accessTokensFor } = await import('../adapters/oauth/build-access-tokens.js');
  // With OAuth2 (a user and no password in the URL), AUTH XOAUTH2 with a token from the same cache.
  const t = nodemailer.createTransport(smtpOptions(config.smtpUrl, config.oauth ? accessTokensFor(config.oauth) : null));
  try {
    // EHLO, STARTTLS when offered, and AUTH when configured; no mail is sent.
    await timed(t.verify(), 20_000, 'the SMTP server');
    out.push({ check: 'smtp', verdict: 'ok', detail: new URL(config.smtpUrl).host });
  } catch (e) {
    out.push({ check: 'smtp', verdict: 'fail', detail: `${new URL(config.smtpUrl).host}: ${(e as Error).message}`, fix: 'check COUNTERSIGN_SMTP_URL (host, port, smtp:// or smtps://, user and password) and that the server is up' });
  } finally {
    t.close();
  }
}

/** The bot's key opened with its passphrase: it signs now, and warns when its signing key expires soon. */
async function signingKeyCheck(key: import('openpgp').PrivateKey): Promise<Check> {
  const { effectiveExpiry } = await import('../adapters/pgp-keys.js');
  const { BOT_KEY_OWNER, describeExpiry, expiresSoon } = await import('../core/key-expiry.js');
  const { renewBotKeyFix } = await import('./bot-key.js');
  const fingerprint = key.getFingerprint().toUpperCase();
  const now = new Date();
  const e = await effectiveExpiry(key, 'sign', now);
  if (e && expiresSoon(e.expiresAt, now)) {
    return { check: 'signing key', verdict: 'warn', detail: `loads and can sign (${fingerprint}), but ${describeExpiry({ ...e, owner: BOT_KEY_OWNER, expiresAt: e.expiresAt }, now)}`, fix: renewBotKeyFix({ fingerprint, expiringKey: e }) };
  }
  return { check: 'signing key', verdict: 'ok', detail: `loads and can sign (${fingerprint})${e?.expiresAt ? `, until ${e.expiresAt}` : ''}` };
}

export function registerDoctorCommand(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('check a deployment end to end: configuration, database and log chain, mailbox, SMTP, signing key, partner keys, registry')
    .option('--json', 'print {"ok": boolean, "checks": [{check, verdict, detail, fix?}]}')
    .action(async (opts: { json?: boolean }) => {
      const out: Check[] = [];
      let config: Config;
      try {
        config = ctx.config;
        out.push({ check: 'configuration', verdict: 'ok', detail: 'valid' });
      } catch (e) {
        out.push({ check: 'configuration', verdict: 'fail', detail: (e as Error).message, fix: 'fix the variable named' });
        return report(ctx, out, opts.json === true);
      }
      try {
        const db = ctx.db;
        const { readMigrationFiles } = await import('drizzle-orm/migrator');
        const { MIGRATIONS_DIR } = await import('../paths.js');
        const applied = (db.$client.prepare('SELECT COUNT(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
        const known = readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR }).length;
        out.push(applied === known ? { check: 'database', verdict: 'ok', detail: `${config.dbPath}, ${applied} migrations` } : { check: 'database', verdict: 'fail', detail: `${applied} of ${known} migrations applied`, fix: 'run any countersign command once to migrate' });
        const { verifyEventLog } = await import('../db/event-log.js');
        const { explainChainProblem } = await import('../db/log-chain.js');
        const v = verifyEventLog(db);
        await fileModeChecks(config.dbPath, out);
        out.push(v.ok ? { check: 'log chain', verdict: 'ok', detail: `${v.rows} event(s) intact` } : { check: 'log chain', verdict: 'fail', detail: explainChainProblem(v.problem), fix: 'restore the database from a backup and investigate who edited it' });
        const { replayStages, explainStageDrift } = await import('../db/replay-stages.js');
        const drifts = replayStages(db);
        out.push(drifts.length === 0 ? { check: 'stages', verdict: 'ok', detail: 'every integration stage matches the replay of its events' } : { check: 'stages', verdict: 'fail', detail: drifts.map(explainStageDrift).join('; '), fix: 'restore the database from a backup and investigate who edited it' });
      } catch (e) {
        out.push({ check: 'database', verdict: 'fail', detail: (e as Error).message, fix: `check COUNTERSIGN_DB (${config.dbPath}) and its folder's permissions` });
        return report(ctx, out, opts.json === true);
      }
      await imapChecks(config, out);
      await smtpChecks(config, out);
      try {
        const { buildDeliverDeps } = await import('../daemon/build-deliver.js');
        const d = await buildDeliverDeps(config, ctx.db, ctx.logger.child({ component: 'doctor' }));
        out.push(d.signingKey ? await signingKeyCheck(d.signingKey) : { check: 'signing key', verdict: 'fail', detail: 'COUNTERSIGN_SIGNING_KEY is not set: identifiers mail would be held', fix: 'set COUNTERSIGN_SIGNING_KEY (and its passphrase)' });
        out.push({ check: 'templates', verdict: 'ok', detail: 'every template uses only known variables' });
      } catch (e) {
        out.push({ check: 'signing key / templates', verdict: 'fail', detail: (e as Error).message, fix: 'fix the key, its passphrase, or the template named' });
      }
      const { partnerKeyReport } = await import('../registry/partner-key-report.js');
      const keys = await partnerKeyReport(ctx.db);
      for (const k of keys) {
        out.push(
          !k.canEncrypt
            ? { check: 'partner key', verdict: k.activeIntegrations > 0 ? 'fail' : 'warn', detail: `${k.partner}: ${k.problem}`, fix: 'import a usable key with `countersign registry import`' }
            : k.warning
              ? { check: 'partner key', verdict: 'warn', detail: `${k.partner}: ${k.warning}`, fix: `ask ${k.contact} for a renewed key (or a later expiry) and import it with \`countersign registry import\`` }
              : { check: 'partner key', verdict: 'ok', detail: `${k.partner}: can encrypt${k.expiresAt ? `, until ${k.expiresAt}` : ''}` },
        );
      }
      const missing = ctx.db.$client
        .prepare(
          `SELECT i.app_id AS app, i.client_id AS client, i.stage FROM integrations i JOIN clients c ON c.id = i.client_id
           WHERE (i.stage = 'pending' AND json_array_length(c.test_environment_ids) = 0) OR (i.stage = 'beta_consented' AND json_array_length(c.production_environment_ids) = 0)`,
        )
        .all() as { app: string; client: string; stage: string }[];
      out.push(missing.length === 0 ? { check: 'registry', verdict: 'ok', detail: `${keys.length} partner(s); every active integration has identifiers for its next step` } : { check: 'registry', verdict: 'fail', detail: missing.map((m) => `${m.app} at ${m.client} (${m.stage}) has no identifiers for its next step`).join('; '), fix: 'add the identifiers to the registry file and import it' });
      // Identifiers imported before the safe character set was enforced may be spelled differently in
      // some output form and escape masking there. Named by client only: never the identifier itself.
      const { SAFE_ENVIRONMENT_ID } = await import('../registry/registry-schema.js');
      const unsafe = (ctx.db.$client.prepare('SELECT id, test_environment_ids AS t, production_environment_ids AS p FROM clients ORDER BY id').all() as { id: string; t: string; p: string }[])
        .filter((c) => [...(JSON.parse(c.t) as string[]), ...(JSON.parse(c.p) as string[])].some((v) => !SAFE_ENVIRONMENT_ID.test(v)))
        .map((c) => c.id);
      out.push(unsafe.length === 0 ? { check: 'identifiers', verdict: 'ok', detail: 'every environment identifier uses only letters, digits and -_.:/' } : { check: 'identifiers', verdict: 'fail', detail: `client(s) ${unsafe.slice(0, 10).join(', ')}${unsafe.length > 10 ? ', …' : ''} hold an identifier with other characters, which masking may miss in some output`, fix: 'correct the identifiers in the registry file and import it again' });
      report(ctx, out, opts.json === true);
    });
}

function report(ctx: CliContext, out: Check[], json: boolean): void {
  const ok = out.every((c) => c.verdict !== 'fail');
  if (json) printJson(ctx.out, { ok, checks: out });
  else {
    const mark: Record<Verdict, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };
    for (const c of out) ctx.out.stdout(`${mark[c.verdict]}  ${c.check.padEnd(16)} ${c.detail}${c.fix && c.verdict !== 'ok' ? `\n      fix: ${c.fix}` : ''}\n`);
  }
  if (!ok) process.exitCode = 1;
}
