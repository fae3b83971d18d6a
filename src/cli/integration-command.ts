import type { Command } from 'commander';
import { applyStep, explainStepRefusal } from '../db/approval-store.js';
import type { CliContext } from './context.js';
import { checkedActor } from './operator-name.js';
import { CliError, printJson } from './output.js';

export function registerIntegrationCommand(program: Command, ctx: CliContext): void {
  const integration = program.command('integration').description('operator decisions on one integration (app at client)');
  integration
    .command('withdraw')
    .description('record that a client withdrew its consent: the integration moves to withdrawn and staff are told')
    .requiredOption('--app <app>', 'app id')
    .requiredOption('--client <client>', 'client id')
    .requiredOption('--by <who>', 'who decided it, recorded as the actor: a registry staff address, or your own operator name (operator:<OS account>)')
    .option('--reason <text>', 'why, recorded as evidence (e.g. the client\'s message reference)')
    .option('--json', 'print the result as JSON')
    .action((opts: { app: string; client: string; by: string; reason?: string; json?: boolean }) => {
      const actorAddress = checkedActor(ctx.db, opts.by, { operator: true });
      const r = applyStep(ctx.db, {
        appId: opts.app,
        clientId: opts.client,
        step: 'withdrawal',
        actor: 'operator',
        actorAddress,
        cause: { type: 'operator', ref: null },
        evidence: { reason: opts.reason ?? null },
        mailFrom: ctx.config.from,
      });
      if (!r.ok) throw new CliError(`not withdrawn: ${explainStepRefusal(r.error)}`);
      if (opts.json) return printJson(ctx.out, { app: opts.app, client: opts.client, ...r.value });
      ctx.out.stdout(`${opts.app} at ${opts.client}: ${r.value.from} → ${r.value.to} (event ${r.value.seq})\n`);
    });
}
