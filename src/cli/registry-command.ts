import path from 'node:path';
import type { Command } from 'commander';
import { clientDomains } from '../db/schema.js';
import { exportRegistry } from '../registry/export-registry.js';
import { formatProblem } from '../registry/format-problem.js';
import type { CliContext } from './context.js';
import { checkedActor } from './operator-name.js';
import { CliError, printJson, printTable } from './output.js';
import { REGISTRY_SECTIONS, showRegistry, type RegistrySection } from '../registry/show-registry.js';

export function registerRegistryCommand(program: Command, ctx: CliContext): void {
  const registry = program.command('registry').description('import, show or export the registry of staff, clients, partners and apps');

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
    .command('show')
    .description('what the registry holds, one section or all: clients, partners, apps, staff (identifiers only as counts, unless --with-secrets)')
    .argument('[section]', `one of ${REGISTRY_SECTIONS.join(', ')}; all when left out`)
    .option('--json', 'print {"clients"?: [...], "partners"?: [...], "apps"?: [...], "staff"?: [...]}')
    .option('--with-secrets', 'show the environment identifiers themselves (handle the output as a secret)')
    .action((section: string | undefined, opts: { json?: boolean; withSecrets?: boolean }) => {
      if (section !== undefined && !(REGISTRY_SECTIONS as readonly string[]).includes(section)) {
        throw new CliError(`"${section}" is not a registry section; use one of ${REGISTRY_SECTIONS.join(', ')}`, 1, 'usage');
      }
      const view = showRegistry(ctx.db, { withSecrets: opts.withSecrets === true });
      const wanted = (section === undefined ? REGISTRY_SECTIONS : [section]) as RegistrySection[];
      // The scrubber would mask the identifiers; with --with-secrets the operator asked for them.
      const write = (text: string) => (opts.withSecrets ? ctx.out.stdoutWithSecrets(text) : ctx.out.stdout(text));
      if (opts.json) return write(`${JSON.stringify(Object.fromEntries(wanted.map((w) => [w, view[w]])), null, 2)}\n`);
      const ids = (v: number | string[]) => (typeof v === 'number' ? String(v) : v.join(' '));
      const tables: Record<RegistrySection, () => void> = {
        clients: () =>
          printTable(
            { ...ctx.out, stdout: write },
            view.clients,
            [
              { header: 'client', value: (c) => c.id },
              { header: 'name', value: (c) => c.name },
              { header: 'domains', value: (c) => c.domains.join(' ') },
              { header: 'approvers', value: (c) => c.approvers.length },
              { header: opts.withSecrets ? 'test ids' : '#test ids', value: (c) => ids(c.testEnvironmentIds) },
              { header: opts.withSecrets ? 'production ids' : '#production ids', value: (c) => ids(c.productionEnvironmentIds) },
              { header: 'integrations', value: (c) => c.integrations },
            ],
            'No clients.',
          ),
        partners: () =>
          printTable(ctx.out, view.partners, [
            { header: 'partner', value: (p) => p.id },
            { header: 'name', value: (p) => p.name },
            { header: 'contact', value: (p) => p.contact },
            { header: 'apps', value: (p) => p.apps.join(' ') },
          ], 'No partners.'),
        apps: () =>
          printTable(ctx.out, view.apps, [
            { header: 'app', value: (a) => a.id },
            { header: 'name', value: (a) => a.name },
            { header: 'partner', value: (a) => a.partner },
            { header: 'readiness', value: (a) => Object.entries(a.readiness).filter(([, v]) => v).map(([k]) => k).join(' ') || 'none' },
            { header: 'ga', value: (a) => a.gaDeclaredAt ?? '' },
          ], 'No apps.'),
        staff: () => printTable(ctx.out, view.staff.map((address) => ({ address })), [{ header: 'staff', value: (s) => s.address }], 'No staff.'),
      };
      wanted.forEach((w, i) => {
        if (wanted.length > 1) ctx.out.stdout(`${i > 0 ? '\n' : ''}${w.toUpperCase()}\n`);
        tables[w]();
      });
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
