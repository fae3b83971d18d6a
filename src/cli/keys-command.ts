import type { Command } from 'commander';
import { KEY_WARN_DAYS } from '../core/key-expiry.js';
import type { CliContext } from './context.js';
import { renewBotKeyFix } from './bot-key.js';
import { CliError, printJson, printTable } from './output.js';

export function registerKeysCommand(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description('partner OpenPGP keys and the bot key');
  keys
    .command('check')
    .description(
      `every partner key with fingerprint, effective expiry (its encryption subkey's) and whether it can encrypt, and the bot key's signing expiry; warns about keys expiring within ${KEY_WARN_DAYS} days (exit 0); exits 1 when a partner with an active integration has no usable key, or the configured bot key cannot sign`,
    )
    .option('--json', 'print {"ok": boolean, "partners": [{partner, contact, fingerprint, expiresAt, expiringKey, primaryExpiresAt, daysLeft, canEncrypt, problem, warning, activeIntegrations}], "botKey": {file, fingerprint, expiresAt, expiringKey, daysLeft, canSign, problem, warning}, "warnings": [string]}')
    .action(async (opts: { json?: boolean }) => {
      const { partnerKeyReport } = await import('../registry/partner-key-report.js');
      const { botKeyReport } = await import('./bot-key.js');
      const now = new Date();
      const rows = await partnerKeyReport(ctx.db, now);
      const bot = await botKeyReport(ctx.config, now);
      const unusable = rows.filter((r) => !r.canEncrypt && r.activeIntegrations > 0);
      const blocking = [
        ...(unusable.length ? [`${unusable.map((r) => `${r.partner} (${r.problem})`).join('; ')}: identifiers for these partners will be held until a usable key is imported with \`countersign registry import\`.`] : []),
        ...(bot.problem ? [`the bot key ${bot.file} ${bot.problem}: identifiers mail will be held, and \`countersign run\` will not start, until COUNTERSIGN_SIGNING_KEY names a key that can sign.`] : []),
      ];
      const warnings = [
        ...rows.filter((r) => r.warning).map((r) => `${r.warning}; ask ${r.contact} for a renewed key (or a later expiry) and import it with \`countersign registry import\`.`),
        ...(bot.warning ? [`${bot.warning}; ${renewBotKeyFix(bot)}.`] : []),
      ];
      if (opts.json) {
        printJson(ctx.out, { ok: blocking.length === 0, partners: rows, botKey: bot, warnings });
        if (blocking.length > 0) process.exitCode = 1;
        return;
      }
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
      ctx.out.stdout(
        bot.file === null
          ? 'bot key: not configured (COUNTERSIGN_SIGNING_KEY unset: identifiers mail is held)\n'
          : `bot key: ${bot.fingerprint ?? bot.file}, signing expires ${bot.expiresAt ?? 'never'}, can sign ${bot.canSign ? 'yes' : 'NO'}${bot.problem || bot.warning ? ` — ${bot.problem ?? bot.warning}` : ''}\n`,
      );
      for (const w of warnings) ctx.out.stderr(`warning: ${w}\n`);
      if (blocking.length > 0) {
        throw new CliError(blocking.join('\ncountersign: '), 1, 'verification_failed');
      }
    });
}
