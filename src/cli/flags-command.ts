import type { Command } from 'commander';
import { isStep } from '../core/approval-state.js';
import { explainReason, type Reason } from '../core/reasons.js';
import { explainStepRefusal } from '../db/approval-store.js';
import { reopenFlag } from '../db/expire-flags.js';
import { explainResolveRefusal, resolveFlag } from '../db/resolve-flag.js';
import { staffFlagVars } from '../daemon/staff-flag-vars.js';
import type { CliContext } from './context.js';
import { checkedActor } from './operator-name.js';
import { CliError, printJson, printTable } from './output.js';

interface FlagRow {
  id: number;
  token: string;
  kind: string;
  status: string;
  createdAt: string;
  expiresAt: string;
  app: string | null;
  client: string | null;
  proposal: unknown;
  reasons: string[];
  resolvedAt: string | null;
  resolvedBy: string | null;
  from: string | null;
  subject: string | null;
}

function listFlags(ctx: CliContext, where: string, ...params: unknown[]): (FlagRow & { reasonObjects: Reason[] })[] {
  const rows = ctx.db.$client
    .prepare(
      `SELECT f.id, f.token, f.kind, f.status, f.created_at AS createdAt, f.expires_at AS expiresAt, f.app_id AS app, f.client_id AS client,
              f.proposal, f.reasons, f.resolved_at AS resolvedAt, f.resolved_by AS resolvedBy, m.from_address AS "from", m.subject
       FROM flags f LEFT JOIN messages m ON m.id = f.message_row ${where} ORDER BY f.id`,
    )
    .all(...params) as (Omit<FlagRow, 'reasons' | 'proposal'> & { reasons: string; proposal: string | null })[];
  return rows.map((r) => {
    const reasonObjects = JSON.parse(r.reasons) as Reason[];
    return { ...r, proposal: r.proposal ? (JSON.parse(r.proposal) as unknown) : null, reasons: reasonObjects.map((x) => x.code), reasonObjects };
  });
}

export function registerFlagsCommand(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('flags')
    .description('what staff must look at: flagged messages, held or failed mail; resolve them here or by replying to the notification')
    .enablePositionalOptions()
    .option('--open', 'only open flags')
    .option('--json', 'print a JSON array: id, token, kind, status, createdAt, expiresAt, app, client, proposal, reasons, resolvedAt, resolvedBy, from, subject')
    .action((opts: { open?: boolean; json?: boolean }) => {
      // A flag past its expiry is not open, even before the daemon recorded it `expired`.
      const rows = (opts.open ? listFlags(ctx, "WHERE f.status = 'open' AND f.expires_at > ?", new Date().toISOString()) : listFlags(ctx, '')).map(({ reasonObjects: _r, ...rest }) => rest);
      if (opts.json) return printJson(ctx.out, rows);
      printTable(
        ctx.out,
        rows,
        [
          { header: 'id', value: (r) => r.id },
          { header: 'status', value: (r) => r.status },
          { header: 'kind', value: (r) => r.kind },
          { header: 'created', value: (r) => r.createdAt },
          { header: 'from', value: (r) => r.from },
          { header: 'reasons', value: (r) => r.reasons.join(',') },
        ],
        opts.open ? 'No open flags.' : 'No flags.',
      );
    });

  cmd
    .command('show')
    .description('one flag in full, with its reasons in plain words')
    .argument('<id>', 'flag id, or the CS-… reference staff see in the notification')
    .option('--json', 'print it as JSON')
    .action((id: string, opts: { json?: boolean }) => {
      // The reference is what staff have in hand (the notification's subject); tokens are stored upper-case.
      const byToken = /^cs-/i.test(id.trim()) ? (ctx.db.$client.prepare('SELECT id FROM flags WHERE token = ?').get(id.trim().toUpperCase()) as { id: number } | undefined) : undefined;
      const [row] = listFlags(ctx, 'WHERE f.id = ?', byToken?.id ?? Number(id));
      if (!row) throw new CliError(`no flag ${id}; list them with \`countersign flags --open\``, 1, 'not_found');
      const { reasonObjects, ...rest } = row;
      if (opts.json) return printJson(ctx.out, rest);
      // The same words the staff notification uses: the client's new text quoted, the proposal as a sentence.
      const words = staffFlagVars(ctx.db, row.id);
      ctx.out.stdout(
        [
          `flag ${row.id} [${row.token}] ${row.status} (${row.kind}), created ${row.createdAt}, expires ${row.expiresAt}`,
          row.from ? `from ${words?.originalFrom ?? row.from}: "${words?.originalSubject ?? ''}"` : '',
          `proposal: ${words?.proposal ?? 'none'}`,
          ...reasonObjects.map((r) => `  - ${explainReason(r)}`),
          ...(words?.hasNewText ? ['what the client newly wrote:', words.quotedNewText] : []),
          row.resolvedBy ? `resolved by ${row.resolvedBy} on ${row.resolvedAt}` : '',
          '',
        ]
          .filter((l, i, a) => l !== '' || i === a.length - 1)
          .join('\n'),
      );
    });

  for (const decision of ['approve', 'reject'] as const) {
    const sub = cmd
      .command(decision)
      .description(decision === 'approve' ? 'apply the proposed step (or the one named with --as/--app) through the state machine' : 'record that staff rejected the flagged message')
      .argument('<id>', 'flag id')
      .requiredOption('--by <address>', 'the staff address deciding (must be in the registry staff list)')
      .option('--json', 'print the result as JSON');
    if (decision === 'approve')
      sub
        .option('--as <intent>', 'the step instead of the proposal: beta_consent, production_approval, ga_signoff, withdrawal')
        .option('--app <app>', 'the app instead of the proposal')
        .option('--client <client>', 'the client, when the flagged mail has none (a personal address) or names another');
    sub.action((id: string, opts: { by: string; as?: string; app?: string; client?: string; json?: boolean }) => {
      if (opts.as !== undefined && !isStep(opts.as)) throw new CliError(`--as: "${opts.as}" is not a step (beta_consent, production_approval, ga_signoff, withdrawal)`);
      const r = resolveFlag(ctx.db, {
        flagId: Number(id),
        command: decision === 'approve' ? { kind: 'approve', as: opts.as as never, app: opts.app, client: opts.client } : { kind: 'reject' },
        by: checkedActor(ctx.db, opts.by, { operator: false }),
        via: 'cli',
        mailFrom: ctx.config.from,
        flagTtlDays: ctx.config.flagTtlDays,
        rejectNotice: ctx.config.clientRejectNotice,
      });
      if (!r.ok) throw new CliError(explainResolveRefusal(r.error, explainStepRefusal), 1, r.error.kind === 'no_such_flag' ? 'not_found' : 'refused');
      if (opts.json) return printJson(ctx.out, r.value);
      ctx.out.stdout(
        `flag ${id} ${r.value.status}${r.value.stageChange ? `: ${r.value.stageChange.from} → ${r.value.stageChange.to} (event ${r.value.stageChange.seq})` : ''}${r.value.gaDeclared ? `: app declared Generally Available (event ${r.value.gaDeclared.seq})` : ''}\n`,
      );
    });
  }

  cmd
    .command('reopen')
    .description('give an expired flag a fresh reference (a new token and notification); the old one stays unanswerable')
    .argument('<id>', 'flag id')
    .requiredOption('--by <address>', 'the staff address reopening it (must be in the registry staff list)')
    .option('--json', 'print the result as JSON')
    .action((id: string, opts: { by: string; json?: boolean }) => {
      const r = reopenFlag(ctx.db, { flagId: Number(id), by: checkedActor(ctx.db, opts.by, { operator: false }), ttlDays: ctx.config.flagTtlDays, mailFrom: ctx.config.from });
      if (!r.ok) throw new CliError(r.error.kind === 'no_such_flag' ? `no flag ${id}` : `flag ${id} is ${r.error.status}, not expired; only an expired flag is reopened`);
      if (opts.json) return printJson(ctx.out, { id: Number(id), ...r.value });
      ctx.out.stdout(`flag ${id} reopened as ${r.value.token}; it expires ${r.value.expiresAt}\n`);
    });
}
