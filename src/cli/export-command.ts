import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { canonicalContent, type ChainRow } from '../db/log-chain.js';
import { listEvents, type LogRow } from '../db/queries.js';
import { PRIVATE_FILE_MODE } from '../db/open-db.js';
import { scrub } from '../secret-scrubber.js';
import type { CliContext } from './context.js';
import { CliError } from './output.js';
import { parseSince } from './parse-since.js';

const COLUMNS: (keyof LogRow)[] = ['seq', 'at', 'kind', 'app', 'client', 'from', 'to', 'causeType', 'causeRef', 'actor', 'evidence', 'hash'];

/** RFC 4180 CSV field: quoted when it holds a comma, quote or line break. */
function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Each event with the canonical text its hash covers and the previous hash, so that an auditor can
 * recompute every hash on another machine (`log verify --export FILE`, or the README's recipe).
 */
function withHashedContent(ctx: CliContext, rows: LogRow[], since: string | undefined): (LogRow & { canonical: string; prevHash: string })[] {
  const content = new Map(
    (
      ctx.db.$client
        .prepare(
          `SELECT seq, at, kind, integration_id AS integrationId, app_id AS appId, client_id AS clientId, from_stage AS fromStage, to_stage AS toStage,
                  cause_type AS causeType, cause_ref AS causeRef, actor, evidence, prev_hash AS prevHash, hash
           FROM events WHERE (@since IS NULL OR at >= @since) ORDER BY seq`,
        )
        .all({ since: since ?? null }) as ChainRow[]
    ).map((r) => [r.seq, { canonical: canonicalContent(r), prevHash: r.prevHash }]),
  );
  return rows.map((r) => ({ ...r, ...content.get(r.seq)! }));
}

export function registerExportCommand(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description('the event log for auditors, as CSV or JSON (events never hold identifiers); JSON adds each event\'s canonical content and previous hash, for `log verify --export`')
    .option('--since <date>', 'only events at or after this ISO 8601 date or date-time (UTC)')
    .option('--format <format>', 'csv or json', 'csv')
    .option('--output <file>', 'write to this new file (created 0600, readable by its owner only) instead of stdout')
    .action((opts: { since?: string; format: string; output?: string }) => {
      if (opts.format !== 'csv' && opts.format !== 'json') throw new CliError(`--format: "${opts.format}" is not csv or json`);
      const since = opts.since === undefined ? undefined : parseSince(opts.since);
      const rows = listEvents(ctx.db, { since });
      const text =
        opts.format === 'json'
          ? `${JSON.stringify(withHashedContent(ctx, rows, since), null, 2)}\n`
          : `${COLUMNS.join(',')}\r\n${rows.map((r) => COLUMNS.map((c) => csvField(r[c])).join(',')).join('\r\n')}${rows.length ? '\r\n' : ''}`;
      if (opts.output === undefined) return ctx.out.stdout(text);
      const target = path.resolve(opts.output);
      try {
        // Scrubbed like stdout; `wx` refuses an existing file, and the mode applies from creation on.
        writeFileSync(target, scrub(text), { flag: 'wx', mode: PRIVATE_FILE_MODE });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new CliError(code === 'EEXIST' ? `${target} exists; choose a new file name` : `cannot write ${target}: ${code ?? (e as Error).message}`);
      }
      ctx.out.stderr(`${rows.length} event(s) written to ${target}\n`);
    });
}
