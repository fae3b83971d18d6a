import path from 'node:path';
import type { Command } from 'commander';
import { clientDomains } from '../db/schema.js';
import { exportRegistry } from '../registry/export-registry.js';
import { formatProblem } from '../registry/format-problem.js';
import type { CliContext } from './context.js';
import { checkedActor } from './operator-name.js';
import { CliError, printJson } from './output.js';

export function registerRegistryCommand(program: Command, ctx: CliContext): void {
  const registry = program.command('registry').description('import or export the registry of staff, clients, partners and apps');

  registry
    .command('import')
    .description('validate a registry file completely, then upsert it in one transaction (nothing is written if anything is wrong)')
    .argument('<file>', 'registry YAML file; key paths inside it are relative to it')
    .option('--by <who>', 'who is importing, recorded in the event log: a staff address (in the database or the file), or your own operator name (the default, operator:<OS account>)')
    .option('--json', 'print the import report as JSON')
    .action(async (file: string, opts: { by?: string; json?: boolean }) => {
      const { loadRegistry } = await import('../registry/load-registry.js');
      const { importRegistry } = await import('../registry/import-registry.js');
      const db = ctx.db;
      const existingDomains = new Map(db.select().from(clientDomains).all().map((d) => [d.domain, d.clientId]));
      const loaded = await loadRegistry(file, { existingDomains });
      if (!loaded.ok) {
        for (const p of loaded.problems) ctx.out.stderr(`error: ${formatProblem(p)}\n`);
        // A file to fix, each problem naming its entry (exit 2, like a bad variable), whether it cannot
        // be parsed at all or has entries that are wrong.
        throw new CliError(`registry not imported: ${loaded.problems.length} problem(s) in ${file}; nothing was written. Fix the file and run the import again.`, 2, 'invalid_input');
      }
      const actor = checkedActor(db, opts.by, { operator: true, moreStaff: loaded.registry.data.staff });
      const report = importRegistry(db, loaded.registry, { actor });
      for (const d of report.stageDifferences) {
        ctx.out.stderr(
          `warning: ${d.app} at ${d.client}: the file says ${d.inFile}, the log says ${d.recorded}; the recorded stage stands (stages change only through approvals).\n`,
        );
      }
      if (opts.json) return printJson(ctx.out, report);
      ctx.out.stdout(
        [
          `Imported ${path.basename(file)}:`,
          `  staff         ${report.staff}`,
          `  clients       ${report.clients.added} added, ${report.clients.updated} updated`,
          `  partners      ${report.partners.added} added, ${report.partners.updated} updated`,
          `  apps          ${report.apps.added} added, ${report.apps.updated} updated`,
          `  integrations  ${report.integrations.added} added, ${report.integrations.unchanged} already known`,
          '',
        ].join('\n'),
      );
    });

  registry
    .command('export')
    .description('print the registry as the database holds it, in the import format')
    .option('--with-secrets', 'include the environment identifiers (handle the output as a secret)')
    .action((opts: { withSecrets?: boolean }) => {
      // The scrubber would mask the identifiers; here the operator asked for them explicitly.
      const text = exportRegistry(ctx.db, { withSecrets: opts.withSecrets === true });
      if (opts.withSecrets) ctx.out.stdoutWithSecrets(text);
      else ctx.out.stdout(text);
    });
}
