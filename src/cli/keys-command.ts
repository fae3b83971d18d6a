import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { CliError, printJson, printTable } from './output.js';

interface KeyRow {
  partner: string;
  contact: string;
  fingerprint: string | null;
  expiresAt: string | null;
  canEncrypt: boolean;
  problem: string | null;
  warning: string | null;
  activeIntegrations: number;
}

const WARN_DAYS = 30;

export function registerKeysCommand(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description('partner OpenPGP keys');
  keys
    .command('check')
    .description(`every partner key with fingerprint, expiry and whether it can encrypt; warns about keys expiring within ${WARN_DAYS} days; exits 1 when a partner with an active integration has no usable key`)
    .option('--json', 'print a JSON array: partner, contact, fingerprint, expiresAt, canEncrypt, problem, warning, activeIntegrations')
    .action(async (opts: { json?: boolean }) => {
      const { inspectPublicKey, describeKeyProblem } = await import('../adapters/pgp-keys.js');
      const now = new Date();
      const partners = ctx.db.$client
        .prepare(
          `SELECT p.id, p.contact, p.public_key_armored AS armored,
                  (SELECT COUNT(*) FROM integrations i JOIN apps a ON a.id = i.app_id WHERE a.partner_id = p.id AND i.stage != 'withdrawn') AS active
           FROM partners p ORDER BY p.id`,
        )
        .all() as { id: string; contact: string; armored: string; active: number }[];
      const rows: KeyRow[] = [];
      for (const p of partners) {
        const r = await inspectPublicKey(p.armored, now);
        const info = r.info;
        const expiresAt = info?.expiresAt ?? null;
        const soon = r.ok && expiresAt !== null && Date.parse(expiresAt) - now.getTime() < WARN_DAYS * 86_400_000;
        rows.push({
          partner: p.id,
          contact: p.contact,
          fingerprint: info?.fingerprint ?? null,
          expiresAt,
          canEncrypt: r.ok,
          problem: r.ok ? null : describeKeyProblem(r.problem),
          warning: soon ? `expires within ${WARN_DAYS} days` : null,
          activeIntegrations: p.active,
        });
      }
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
