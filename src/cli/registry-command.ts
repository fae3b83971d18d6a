import path from 'node:path';
import type { Command } from 'commander';
import { clientDomains } from '../db/schema.js';
import { exportRegistry } from '../registry/export-registry.js';
import { formatProblem } from '../registry/format-problem.js';
import type { LoadedRegistry } from '../registry/load-registry.js';
import { registerSecrets } from '../secret-scrubber.js';
import type { CliContext } from './context.js';
import { checkedActor } from './operator-name.js';
import { CliError, printJson, printTable } from './output.js';
import { REGISTRY_SECTIONS, showRegistry, type RegistrySection } from '../registry/show-registry.js';

/**
 * A registry import that wrote everything but the entries of a partner whose key cannot be used.
 * Not 0, so a script or CI job applying the registry notices; not 2, which means nothing was written.
 */
export const PARTIAL_IMPORT_EXIT = 3;

/**
 * Loads FILE for `registry import` or `registry diff`: the registry to write (whole, or without the
 * partners whose key cannot be used unless `strict`), or undefined once every problem has been
 * printed and the exit code set (2: nothing is written). With --json the problems are also on
 * stdout: {"error": {"code": "invalid_input", "message", "problems": [{entry, field, kind, message}]}}.
 */
async function loadForChange(ctx: CliContext, file: string, opts: { strict?: boolean; json?: boolean }, verb: 'import' | 'diff'): Promise<LoadedRegistry | undefined> {
  const { loadRegistry } = await import('../registry/load-registry.js');
  const existingDomains = new Map(ctx.db.select().from(clientDomains).all().map((d) => [d.domain, d.clientId]));
  const loaded = await loadRegistry(file, { existingDomains });
  const usable = (reg: LoadedRegistry): LoadedRegistry => {
    // Defence in depth: the file's identifiers are masked in anything printed from here on.
    registerSecrets(reg.data.clients.flatMap((c) => [...c.testEnvironmentIds, ...c.productionEnvironmentIds]));
    return reg;
  };
  if (loaded.ok) return usable(loaded.registry);
  if (loaded.partial && !opts.strict) return usable(loaded.partial);
  for (const p of loaded.problems) ctx.out.stderr(`error: ${formatProblem(p)}\n`);
  const onlyKeys = loaded.partial !== undefined;
  // A file to fix, each problem naming its entry (exit 2, like a bad variable), whether it cannot
  // be parsed at all or has entries that are wrong.
  const message = [
    verb === 'import'
      ? `registry not imported: ${loaded.problems.length} problem(s) in ${file}; nothing was written.`
      : `registry diff: ${loaded.problems.length} problem(s) in ${file}; an import would write nothing.`,
    onlyKeys
      ? 'With --strict a partner key that cannot be used stops everything; without it, only that partner, its apps and their integrations are skipped.'
      : `Fix the file and run the ${verb} again.`,
  ].join(' ');
  if (!opts.json) throw new CliError(message, 2, 'invalid_input');
  ctx.out.stderr(`countersign: ${message}\n`);
  const problems = loaded.problems.map((p) => ({ entry: p.entry, field: p.field, kind: p.kind, message: p.message }));
  printJson(ctx.out, { error: { code: 'invalid_input', message, problems } });
  process.exitCode = 2;
  return undefined;
}

export function registerRegistryCommand(program: Command, ctx: CliContext): void {
  const registry = program.command('registry').description('import, compare (diff), show or export the registry of staff, clients, partners and apps');

  registry
    .command('import')
    .description('validate a registry file completely, then upsert it in one transaction; a partner whose key cannot be used is skipped with its apps and integrations (exit 3), anything else wrong writes nothing (exit 2)')
    .argument('<file>', 'registry YAML file; key paths inside it are relative to it')
    .option('--by <who>', 'who is importing, recorded in the event log: a staff address (in the database or the file), or your own operator name (the default, operator:<OS account>)')
    .option('--strict', 'all or nothing: a partner key that cannot be used stops the whole import too')
    .option('--json', 'print the import report: {staff, clients, partners, apps, integrations (counts), changes, stageDifferences, skipped}')
    .action(async (file: string, opts: { by?: string; json?: boolean; strict?: boolean }) => {
      const { importRegistry } = await import('../registry/import-registry.js');
      const { describeRegistryDiff } = await import('../registry/describe-registry-diff.js');
      const loaded = await loadForChange(ctx, file, opts, 'import');
      if (!loaded) return;
      const actor = checkedActor(ctx.db, opts.by, { operator: true, moreStaff: loaded.data.staff });
      const report = importRegistry(ctx.db, loaded, { actor });
      for (const d of report.stageDifferences) {
        ctx.out.stderr(
          `warning: ${d.app} at ${d.client}: the file says ${d.inFile}, the log says ${d.recorded}; the recorded stage stands (stages change only through approvals).\n`,
        );
      }
      for (const s of report.skipped) ctx.out.stderr(`warning: skipped ${s.entry}: ${s.reason}\n`);
      if (report.skipped.length > 0) {
        ctx.out.stderr(
          `warning: registry imported in part: ${report.skipped.length} entr${report.skipped.length === 1 ? 'y' : 'ies'} skipped, everything else written. Give the partner a usable key and import again (--strict writes nothing in this case).\n`,
        );
        process.exitCode = PARTIAL_IMPORT_EXIT;
      }
      if (opts.json) return printJson(ctx.out, report);
      ctx.out.stdout(
        [
          `Imported ${path.basename(file)}${report.skipped.length > 0 ? ' in part' : ''}:`,
          `  staff         ${report.staff}`,
          `  clients       ${report.clients.added} added, ${report.clients.updated} updated`,
          `  partners      ${report.partners.added} added, ${report.partners.updated} updated`,
          `  apps          ${report.apps.added} added, ${report.apps.updated} updated`,
          `  integrations  ${report.integrations.added} added, ${report.integrations.unchanged} already known`,
          'Changes:',
          ...describeRegistryDiff(report, { more: 'all are in the event: countersign log --json', warnings: false }).map((l) => `  ${l}`),
          '',
        ].join('\n'),
      );
    });

  registry
    .command('diff')
    .description('what importing FILE would change, entity by entity, against the database now; writes nothing. Exits as the import would: 0, 2 (nothing would be written) or 3 (entries would be skipped)')
    .argument('<file>', 'registry YAML file; key paths inside it are relative to it')
    .option('--strict', 'as the import with --strict: a partner key that cannot be used is a problem, not a skip')
    .option('--json', 'print {changes, stageDifferences, skipped}')
    .action(async (file: string, opts: { json?: boolean; strict?: boolean }) => {
      const { readRegistrySnapshot } = await import('../db/registry-snapshot.js');
      const { diffRegistry } = await import('../registry/registry-diff.js');
      const { describeRegistryDiff } = await import('../registry/describe-registry-diff.js');
      const loaded = await loadForChange(ctx, file, opts, 'diff');
      if (!loaded) return;
      const diff = diffRegistry(readRegistrySnapshot(ctx.db), loaded);
      if (diff.skipped.length > 0) process.exitCode = PARTIAL_IMPORT_EXIT;
      if (opts.json) return printJson(ctx.out, diff);
      ctx.out.stdout(`${describeRegistryDiff(diff, { more: 'all are in --json', warnings: true }).join('\n')}\n`);
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
