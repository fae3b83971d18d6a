import type { Command } from 'commander';
import { explainChainProblem } from '../db/log-chain.js';
import { verifyEventLog } from '../db/event-log.js';
import { listEvents } from '../db/queries.js';
import type { CliContext } from './context.js';
import { CliError, printJson, printTable } from './output.js';
import { parseSince } from './parse-since.js';

export function registerLogCommand(program: Command, ctx: CliContext): void {
  const log = program
    .command('log')
    .description('the hash-chained event log: every stage change, GA declaration and registry import')
    .enablePositionalOptions()
    .option('--app <app>', 'only events of this app id')
    .option('--client <client>', 'only events of this client id')
    .option('--since <date>', 'only events at or after this ISO 8601 date or date-time (UTC)')
    .option('--json', 'print a JSON array: seq, at, kind, app, client, from, to, causeType, causeRef, actor, evidence, hash')
    .action((opts: { app?: string; client?: string; since?: string; json?: boolean }) => {
      const since = opts.since === undefined ? undefined : parseSince(opts.since);
      const rows = listEvents(ctx.db, { app: opts.app, client: opts.client, since });
      if (opts.json) return printJson(ctx.out, rows);
      printTable(
        ctx.out,
        rows,
        [
          { header: 'seq', value: (r) => r.seq },
          { header: 'at', value: (r) => r.at },
          { header: 'kind', value: (r) => r.kind },
          { header: 'app', value: (r) => r.app },
          { header: 'client', value: (r) => r.client },
          { header: 'change', value: (r) => (r.kind === 'stage_change' ? `${r.from ?? '(new)'} → ${r.to}` : '') },
          { header: 'cause', value: (r) => [r.causeType, r.causeRef].filter(Boolean).join(' ') },
          { header: 'actor', value: (r) => r.actor },
        ],
        'No events recorded.',
      );
    });

  log
    .command('verify')
    .description('check the hash chain; exit 0 when intact, 1 naming the first edited, inserted or deleted row')
    .option('--json', 'print {"ok": boolean, "rows": n, "problem"?: {...}, "message"?: string}')
    .action((opts: { json?: boolean }) => {
      const verdict = verifyEventLog(ctx.db);
      if (opts.json) {
        printJson(ctx.out, verdict.ok ? verdict : { ...verdict, message: explainChainProblem(verdict.problem) });
        if (!verdict.ok) process.exitCode = 1;
        return;
      }
      if (!verdict.ok) throw new CliError(`log chain broken: ${explainChainProblem(verdict.problem)}`);
      ctx.out.stdout(`log chain intact: ${verdict.rows} event(s), head ${verdict.headHash.slice(0, 16)}…\n`);
    });
}
