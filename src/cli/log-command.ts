import type { Command } from 'commander';
import { explainChainProblem } from '../db/log-chain.js';
import { verifyEventLog } from '../db/event-log.js';
import { explainStageDrift, replayStages } from '../db/replay-stages.js';
import { listEvents } from '../db/queries.js';
import type { CliContext } from './context.js';
import { requireKnown } from './require-known.js';
import { CliError, printJson, printTable } from './output.js';
import { parseSince } from './parse-since.js';
import { registerCheckpointCommand, verifyCheckpoints, verifyExportFile } from './checkpoint-command.js';

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
      requireKnown(ctx.db, { app: opts.app, client: opts.client });
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
    .description('check the hash chain and replay the stage events (and, with --checkpoint, that the log extends each signed checkpoint); exit 0 when intact, 1 naming every problem')
    .option('--checkpoint <file...>', 'checkpoint files written by `log checkpoint --out FILE`, each with its FILE.asc')
    .option('--export <file>', 'check this `export --format json` file instead of the database (works on any machine)')
    .option('--key <file>', "with --export: the bot's armored public key for the checkpoint signatures (default: COUNTERSIGN_SIGNING_KEY)")
    .option('--json', 'print {"ok": boolean, "rows": n, "problem"?: {...}, "message"?: string, "stageDrifts": [{kind, message, ...}], "checkpoints"?: [{file, ok, seq?, message}]}')
    .action(async (opts: { json?: boolean; checkpoint?: string[]; export?: string; key?: string }) => {
      if (opts.export !== undefined) {
        const r = await verifyExportFile(ctx, opts.export, opts.checkpoint ?? [], opts.key);
        if (opts.json) {
          printJson(ctx.out, r);
          if (!r.ok) process.exitCode = 1;
          return;
        }
        const problems = [...(r.ok || r.checkpoints.length ? [] : [`export ${opts.export}: ${r.message}`]), ...r.checkpoints.filter((c) => !c.ok).map((c) => `checkpoint ${c.file}: ${c.message}`)];
        if (problems.length > 0) throw new CliError(problems.join('\ncountersign: '), 1, 'verification_failed');
        ctx.out.stdout(`${r.message}\n`);
        for (const c of r.checkpoints) ctx.out.stdout(`checkpoint ${c.file}: ${c.message}\n`);
        return;
      }
      const checkpoints = opts.checkpoint ? await verifyCheckpoints(ctx, opts.checkpoint) : undefined;
      const verdict = verifyEventLog(ctx.db);
      const drifts = replayStages(ctx.db);
      const ok = verdict.ok && drifts.length === 0 && (checkpoints ?? []).every((c) => c.ok);
      if (opts.json) {
        printJson(ctx.out, {
          ...(verdict.ok ? verdict : { ...verdict, message: explainChainProblem(verdict.problem) }),
          ok,
          stageDrifts: drifts.map((d) => ({ ...d, message: explainStageDrift(d) })),
          ...(checkpoints ? { checkpoints } : {}),
        });
        if (!ok) process.exitCode = 1;
        return;
      }
      const problems = [
        ...(verdict.ok ? [] : [`log chain broken: ${explainChainProblem(verdict.problem)}`]),
        ...drifts.map((d) => `stage drift: ${explainStageDrift(d)}`),
        ...(checkpoints ?? []).filter((c) => !c.ok).map((c) => `checkpoint ${c.file}: ${c.message}`),
      ];
      if (problems.length > 0) throw new CliError(problems.join('\ncountersign: '), 1, 'verification_failed');
      ctx.out.stdout(`log chain intact: ${verdict.rows} event(s), head ${verdict.ok ? verdict.headHash.slice(0, 16) : ''}…; every integration stage matches its events\n`);
      for (const c of checkpoints ?? []) ctx.out.stdout(`checkpoint ${c.file}: ${c.message}\n`);
    });

  registerCheckpointCommand(log, ctx);
}
