import type { Command } from 'commander';
import { listEvents, type LogRow } from '../db/queries.js';
import type { CliContext } from './context.js';
import { CliError, printJson } from './output.js';
import { parseSince } from './parse-since.js';

const COLUMNS: (keyof LogRow)[] = ['seq', 'at', 'kind', 'app', 'client', 'from', 'to', 'causeType', 'causeRef', 'actor', 'evidence', 'hash'];

/** RFC 4180 CSV field: quoted when it holds a comma, quote or line break. */
function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function registerExportCommand(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description('the event log for auditors, as CSV or JSON (events never hold identifiers)')
    .option('--since <date>', 'only events at or after this ISO 8601 date or date-time (UTC)')
    .option('--format <format>', 'csv or json', 'csv')
    .action((opts: { since?: string; format: string }) => {
      if (opts.format !== 'csv' && opts.format !== 'json') throw new CliError(`--format: "${opts.format}" is not csv or json`);
      const rows = listEvents(ctx.db, { since: opts.since === undefined ? undefined : parseSince(opts.since) });
      if (opts.format === 'json') return printJson(ctx.out, rows);
      ctx.out.stdout(`${COLUMNS.join(',')}\r\n${rows.map((r) => COLUMNS.map((c) => csvField(r[c])).join(',')).join('\r\n')}${rows.length ? '\r\n' : ''}`);
    });
}
