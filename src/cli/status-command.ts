import type { Command } from 'commander';
import { listStatus } from '../db/queries.js';
import type { CliContext } from './context.js';
import { requireKnown } from './require-known.js';
import { printJson, printTable } from './output.js';

export function registerStatusCommand(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('one row per integration (app at client) with its stage and since when')
    .option('--app <app>', 'only this app id')
    .option('--client <client>', 'only this client id')
    .option('--json', 'print a JSON array: app, appName, client, clientName, partner, stage, since')
    .action((opts: { app?: string; client?: string; json?: boolean }) => {
      requireKnown(ctx.db, { app: opts.app, client: opts.client });
      const rows = listStatus(ctx.db, { app: opts.app, client: opts.client });
      if (opts.json) return printJson(ctx.out, rows);
      printTable(
        ctx.out,
        rows,
        [
          { header: 'app', value: (r) => r.app },
          { header: 'client', value: (r) => r.client },
          { header: 'stage', value: (r) => r.stage },
          { header: 'since', value: (r) => r.since },
          { header: 'client name', value: (r) => r.clientName },
        ],
        'No integrations recorded. Import a registry with `countersign registry import FILE`.',
      );
    });
}
