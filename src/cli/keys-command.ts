import type { Command } from 'commander';
import { KEY_WARN_DAYS } from '../registry/partner-key-report.js';
import type { CliContext } from './context.js';
import { CliError, printJson, printTable } from './output.js';

export function registerKeysCommand(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description('partner OpenPGP keys');
  keys
    .command('check')
    .description(`every partner key with fingerprint, expiry and whether it can encrypt; warns about keys expiring within ${KEY_WARN_DAYS} days; exits 1 when a partner with an active integration has no usable key`)
    .option('--json', 'print a JSON array: partner, contact, fingerprint, expiresAt, canEncrypt, problem, warning, activeIntegrations')
    .action(async (opts: { json?: boolean }) => {
      const { partnerKeyReport } = await import('../registry/partner-key-report.js');
      const rows = await partnerKeyReport(ctx.db);
      if (opts.json) printJson(ctx.out, rows);
      else
        printTable(
          ctx.out,
          rows,
          [
            { header: 'partner', value: (r) => r.partner },
            { header: 'fingerprint', value: (r) => r.fingerprint },
            { header: 'expires', value: (r) => r.expiresAt ?? 'never' },
            { header: 'encrypt', value: (r) => (r.canEncrypt ? 'yes' : 'NO') },
            { header: 'active', value: (r) => r.activeIntegrations },
            { header: 'note', value: (r) => r.problem ?? r.warning ?? '' },
          ],
          'No partners in the registry.',
        );
      for (const r of rows.filter((x) => x.warning)) ctx.out.stderr(`warning: the key of ${r.partner} ${r.warning} (${r.expiresAt}); ask ${r.contact} for a renewed key.\n`);
      const blocking = rows.filter((r) => !r.canEncrypt && r.activeIntegrations > 0);
      if (blocking.length > 0) {
        throw new CliError(`${blocking.map((r) => `${r.partner} (${r.problem})`).join('; ')}: identifiers for these partners will be held until a usable key is imported with \`countersign registry import\`.`);
      }
    });
}
