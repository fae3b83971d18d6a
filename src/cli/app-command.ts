import type { Command } from 'commander';
import { declareGa, explainGaRefusal } from '../db/approval-store.js';
import type { CliContext } from './context.js';
import { checkedActor } from './operator-name.js';
import { CliError, printJson } from './output.js';

export function registerAppCommand(program: Command, ctx: CliContext): void {
  const app = program.command('app').description('app-level decisions by staff');
  app
    .command('declare-ga')
    .description('record that staff declared an app Generally Available; refused while no Beta client has signed off')
    .argument('<app>', 'app id')
    .requiredOption('--by <address>', 'the staff address declaring it (must be in the registry staff list)')
    .option('--json', 'print the result as JSON')
    .action((appId: string, opts: { by: string; json?: boolean }) => {
      const r = declareGa(ctx.db, appId, checkedActor(ctx.db, opts.by, { operator: false }));
      if (!r.ok) throw new CliError(`not declared: ${explainGaRefusal(r.error)}`);
      if (opts.json) return printJson(ctx.out, { app: appId, seq: r.value.seq, signedOffBy: r.value.clients });
      ctx.out.stdout(`${appId} declared Generally Available (event ${r.value.seq}); signed off by: ${r.value.clients.join(', ')}\n`);
    });
}
