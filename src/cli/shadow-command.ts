import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { printJson, printTable } from './output.js';

interface ShadowRow {
  decidedAt: string;
  key: string;
  messageId: string | null;
  fromAddress: string | null;
  subject: string | null;
  action: string;
  intent: string | null;
  app: string | null;
  client: string | null;
  confidence: number | null;
  reasons: string[];
}

export function registerShadowCommand(program: Command, ctx: CliContext): void {
  const shadow = program.command('shadow').description('what shadow mode (`run --shadow`) would have decided');
  shadow
    .command('report')
    .description('list the decisions recorded in shadow mode, oldest first')
    .option('--json', 'print a JSON array: decidedAt, key, messageId, fromAddress, subject, action, intent, app, client, confidence, reasons')
    .action((opts: { json?: boolean }) => {
      const rows = (
        ctx.db.$client
          .prepare(
            `SELECT decided_at AS decidedAt, key, message_id AS messageId, from_address AS fromAddress, subject, action, intent,
                    app_id AS app, client_id AS client, confidence, reasons
             FROM shadow_decisions ORDER BY id`,
          )
          .all() as (Omit<ShadowRow, 'reasons'> & { reasons: string })[]
      ).map((r) => ({ ...r, reasons: (JSON.parse(r.reasons) as { code: string }[]).map((x) => x.code) }));
      if (opts.json) return printJson(ctx.out, rows);
      printTable(
        ctx.out,
        rows,
        [
          { header: 'decided', value: (r) => r.decidedAt },
          { header: 'action', value: (r) => r.action },
          { header: 'intent', value: (r) => r.intent },
          { header: 'app', value: (r) => r.app },
          { header: 'client', value: (r) => r.client },
          { header: 'from', value: (r) => r.fromAddress },
          { header: 'reasons', value: (r) => r.reasons.join(',') },
        ],
        'No shadow decisions recorded. Run `countersign run --shadow --once` first.',
      );
    });
}
