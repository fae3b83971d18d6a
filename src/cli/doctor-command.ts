import { access, constants, mkdir } from 'node:fs/promises';
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

async function imapChecks(config: Config, out: Check[]): Promise<void> {
  if (!config.imap) {
    const problem = await writableDir(config.maildir);
    out.push(problem ? { check: 'maildir', verdict: 'fail', detail: `${config.maildir}: ${problem}`, fix: 'create it or set COUNTERSIGN_MAILDIR to a writable folder' } : { check: 'maildir', verdict: 'ok', detail: `${config.maildir} (embedded default; no IMAP configured)` });
    return;
  }
  const { ImapFlow } = await import('imapflow');
  const imap = config.imap;
  const client = new ImapFlow({ host: imap.host, port: imap.port, secure: imap.secure, auth: { user: imap.user, pass: imap.pass }, logger: false, connectionTimeout: 10_000, greetingTimeout: 10_000 });
  client.on('error', () => undefined);
  try {
    await timed(client.connect(), 20_000, 'the IMAP server');
  } catch (e) {
    const err = e as { authenticationFailed?: boolean; message: string };
    out.push(
      err.authenticationFailed
        ? { check: 'imap login', verdict: 'fail', detail: `${imap.display}: authentication failed`, fix: 'check the user in COUNTERSIGN_IMAP_URL and the password (COUNTERSIGN_IMAP_PASSWORD or _FILE)' }
        : { check: 'imap reachable', verdict: 'fail', detail: `${imap.host}:${imap.port}: ${err.message}`, fix: 'check the host and port in COUNTERSIGN_IMAP_URL, and that the server is up' },
    );
    return;
  }
  out.push({ check: 'imap login', verdict: 'ok', detail: `${imap.display}` });
  try {
    out.push(client.capabilities.has('IDLE') ? { check: 'imap idle', verdict: 'ok', detail: 'IDLE supported' } : { check: 'imap idle', verdict: 'warn', detail: 'IDLE not supported: new mail is seen at each poll only', fix: 'lower COUNTERSIGN_POLL_SECONDS' });
    const boxes = await client.list();
    const paths = new Set(boxes.map((b) => b.path));
    const delimiter = boxes[0]?.delimiter ?? '/';
    out.push(paths.has(imap.mailbox) || imap.mailbox.toUpperCase() === 'INBOX' ? { check: 'imap mailbox', verdict: 'ok', detail: imap.mailbox } : { check: 'imap mailbox', verdict: 'fail', detail: `no mailbox "${imap.mailbox}"`, fix: `create it, or fix the mailbox in COUNTERSIGN_IMAP_URL (existing: ${[...paths].slice(0, 8).join(', ')})` });
    if (config.move) {
      for (const f of Object.values(config.folders)) {
        const p = f.split('/').join(delimiter);
        out.push({ check: 'imap folder', verdict: 'ok', detail: paths.has(p) ? `${p} exists` : `${p} will be created on start` });
      }
    }
  } finally {
    await client.logout().catch(() => undefined);
  }
}

async function smtpChecks(config: Config, out: Check[]): Promise<void> {
  if (!config.smtpUrl) {
    const problem = await writableDir(config.outboxDir);
    out.push(problem ? { check: 'outbox folder', verdict: 'fail', detail: `${config.outboxDir}: ${problem}`, fix: 'set COUNTERSIGN_OUTBOX_DIR to a writable folder, or configure COUNTERSIGN_SMTP_URL' } : { check: 'outbox folder', verdict: 'ok', detail: `${config.outboxDir} (embedded default; no SMTP configured)` });
    return;
  }
  const nodemailer = (await import('nodemailer')).default;
  const t = nodemailer.createTransport(config.smtpUrl);
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
        out.push(v.ok ? { check: 'log chain', verdict: 'ok', detail: `${v.rows} event(s) intact` } : { check: 'log chain', verdict: 'fail', detail: explainChainProblem(v.problem), fix: 'restore the database from a backup and investigate who edited it' });
      } catch (e) {
        out.push({ check: 'database', verdict: 'fail', detail: (e as Error).message, fix: `check COUNTERSIGN_DB (${config.dbPath}) and its folder's permissions` });
        return report(ctx, out, opts.json === true);
      }
      await imapChecks(config, out);
      await smtpChecks(config, out);
      try {
        const { buildDeliverDeps } = await import('../daemon/build-deliver.js');
        const d = await buildDeliverDeps(config, ctx.db, ctx.logger.child({ component: 'doctor' }));
        out.push(d.signingKey ? { check: 'signing key', verdict: 'ok', detail: `loads and can sign (${d.signingKey.getFingerprint().toUpperCase()})` } : { check: 'signing key', verdict: 'fail', detail: 'COUNTERSIGN_SIGNING_KEY is not set: identifiers mail would be held', fix: 'set COUNTERSIGN_SIGNING_KEY (and its passphrase)' });
        out.push({ check: 'templates', verdict: 'ok', detail: 'every template uses only known variables' });
      } catch (e) {
        out.push({ check: 'signing key / templates', verdict: 'fail', detail: (e as Error).message, fix: 'fix the key, its passphrase, or the template named' });
      }
      const { partnerKeyReport } = await import('../registry/partner-key-report.js');
      const keys = await partnerKeyReport(ctx.db);
      for (const k of keys) {
        out.push(k.canEncrypt ? { check: 'partner key', verdict: 'ok', detail: `${k.partner}: can encrypt${k.expiresAt ? `, expires ${k.expiresAt}` : ''}` } : { check: 'partner key', verdict: k.activeIntegrations > 0 ? 'fail' : 'warn', detail: `${k.partner}: ${k.problem}`, fix: 'import a usable key with `countersign registry import`' });
      }
      const missing = ctx.db.$client
        .prepare(
          `SELECT i.app_id AS app, i.client_id AS client, i.stage FROM integrations i JOIN clients c ON c.id = i.client_id
           WHERE (i.stage = 'pending' AND json_array_length(c.test_environment_ids) = 0) OR (i.stage = 'beta_consented' AND json_array_length(c.production_environment_ids) = 0)`,
        )
        .all() as { app: string; client: string; stage: string }[];
      out.push(missing.length === 0 ? { check: 'registry', verdict: 'ok', detail: `${keys.length} partner(s); every active integration has identifiers for its next step` } : { check: 'registry', verdict: 'fail', detail: missing.map((m) => `${m.app} at ${m.client} (${m.stage}) has no identifiers for its next step`).join('; '), fix: 'add the identifiers to the registry file and import it' });
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
