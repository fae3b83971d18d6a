import type { Command } from 'commander';
import { explainOutboxRefusal, getOutbox, listOutbox, settleOutbox, type OutboxEntry } from '../db/outbox-store.js';
import { buildDeliverDeps } from '../daemon/build-deliver.js';
import { checkHeld } from '../daemon/release-held.js';
import { mailPurpose } from '../daemon/staff-flag-vars.js';
import type { CliContext } from './context.js';
import { checkedActor, ownOperatorName } from './operator-name.js';
import { CliError, printJson, printTable } from './output.js';

const STATUSES = ['held', 'failed', 'queued', 'sent', 'undelivered', 'cancelled'] as const;

function entry(ctx: CliContext, id: string): OutboxEntry {
  const e = /^\d+$/.test(id) ? getOutbox(ctx.db, Number(id)) : null;
  if (!e) throw new CliError(`no outgoing mail ${id}; list them with \`countersign outbox list\``, 1, 'not_found');
  return e;
}

/** What can be done with a mail in this status, as commands. */
function actionsFor(e: OutboxEntry): string[] {
  switch (e.status) {
    case 'held':
      return [`countersign outbox release ${e.id}`, `countersign outbox cancel ${e.id} --by ADDRESS`];
    case 'failed':
    case 'undelivered':
      return [`countersign outbox resend ${e.id}`, `countersign outbox cancel ${e.id} --by ADDRESS`];
    case 'queued':
    case 'retry':
      return [`countersign outbox cancel ${e.id} --by ADDRESS`];
    default:
      return [];
  }
}

/**
 * `countersign outbox`: held and failed mail, visible and recoverable. Rows hold references, never
 * identifiers, so nothing printed here can hold one (and output is scrubbed regardless).
 */
export function registerOutboxCommand(program: Command, ctx: CliContext): void {
  const cmd = program.command('outbox').description('outgoing mail: list, show, release held mail, resend failed mail, cancel').enablePositionalOptions();

  cmd
    .command('list')
    .description('outgoing mail, newest first')
    .option('--status <status>', `only mail in this status: ${STATUSES.join(', ')}`)
    .option('--json', 'print a JSON array: id, kind, status, recipient, createdAt, attempts, nextAttemptAt, lastError, sentAt, messageId, integrationId, app, client, flag')
    .action((opts: { status?: string; json?: boolean }) => {
      if (opts.status !== undefined && !(STATUSES as readonly string[]).includes(opts.status)) throw new CliError(`--status: "${opts.status}" is not one of ${STATUSES.join(', ')}`, 2, 'usage');
      const rows = listOutbox(ctx.db, opts.status);
      if (opts.json) return printJson(ctx.out, rows);
      printTable(
        ctx.out,
        rows,
        [
          { header: 'id', value: (r) => r.id },
          { header: 'status', value: (r) => r.status },
          { header: 'kind', value: (r) => r.kind },
          { header: 'to', value: (r) => r.recipient ?? 'staff' },
          { header: 'created', value: (r) => r.createdAt },
          { header: 'cause', value: (r) => r.lastError },
        ],
        opts.status ? `No ${opts.status} mail.` : 'No outgoing mail.',
      );
    });

  cmd
    .command('show')
    .description('one outgoing mail: what it is for, to whom, its status and why, and what can be done')
    .argument('<id>', 'outbox id')
    .option('--json', 'print it as JSON')
    .action((id: string, opts: { json?: boolean }) => {
      const e = entry(ctx, id);
      const actions = actionsFor(e);
      if (opts.json) return printJson(ctx.out, { ...e, purpose: mailPurpose(e.kind, e.appName, e.clientName), actions });
      ctx.out.stdout(
        [
          `mail ${e.id}: ${mailPurpose(e.kind, e.appName, e.clientName)} to ${e.recipient ?? 'the registry staff'}`,
          `status ${e.status}${e.lastError ? `: ${e.lastError}` : ''}`,
          `created ${e.createdAt}, attempts ${e.attempts}${e.sentAt ? `, sent ${e.sentAt}` : ''}`,
          `Message-ID ${e.messageId ?? '(none)'}`,
          e.flag ? `open flag ${e.flag.id} [${e.flag.token}] (${e.flag.kind})` : '',
          ...actions.map((a) => `  ${a}`),
          '',
        ]
          .filter((l, i, a) => l !== '' || i === a.length - 1)
          .join('\n'),
      );
    });

  cmd
    .command('release')
    .description('re-check a held mail (partner key, signing key) and queue it when it can be sent; it keeps its Message-ID')
    .argument('<id>', 'outbox id')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const e = entry(ctx, id);
      if (e.status !== 'held') throw new CliError(explainOutboxRefusal(e.id, { kind: 'wrong_status', status: e.status, allowed: ['held'] }));
      const deps = await buildDeliverDeps(ctx.config, ctx.db, ctx.logger);
      const row = ctx.db.$client
        .prepare('SELECT id, kind, integration_id AS integrationId, event_seq AS eventSeq, recipient, context, message_id AS messageId, created_at AS createdAt FROM outbox WHERE id = ?')
        .get(e.id) as Parameters<typeof checkHeld>[1];
      const r = await checkHeld(deps, row, new Date());
      deps.transport.close();
      if (!r.ok) throw new CliError(`mail ${e.id} is still held: ${r.held}`);
      const s = settleOutbox(ctx.db, { id: e.id, allowed: ['held'], to: 'queued', actor: ownOperatorName(), action: 'released' });
      if (!s.ok) throw new CliError(explainOutboxRefusal(e.id, s.error));
      if (opts.json) return printJson(ctx.out, s.value);
      ctx.out.stdout(`mail ${e.id} released: queued for the next delivery${s.value.closedFlag ? `; flag ${s.value.closedFlag} closed` : ''}\n`);
    });

  cmd
    .command('resend')
    .description('queue a failed or undelivered mail again, with the same Message-ID')
    .argument('<id>', 'outbox id')
    .option('--json', 'print the result as JSON')
    .action((id: string, opts: { json?: boolean }) => {
      const e = entry(ctx, id);
      const s = settleOutbox(ctx.db, { id: e.id, allowed: ['failed', 'undelivered'], to: 'queued', actor: ownOperatorName(), action: 'resent' });
      if (!s.ok) throw new CliError(explainOutboxRefusal(e.id, s.error));
      if (opts.json) return printJson(ctx.out, { ...s.value, messageId: e.messageId });
      ctx.out.stdout(`mail ${e.id} queued again with Message-ID ${e.messageId ?? '(none)'}${s.value.closedFlag ? `; flag ${s.value.closedFlag} closed` : ''}\n`);
    });

  cmd
    .command('cancel')
    .description('drop a mail that is held, failed, undelivered or still queued; recorded with the staff address')
    .argument('<id>', 'outbox id')
    .requiredOption('--by <address>', 'the staff address deciding (must be in the registry staff list)')
    .option('--json', 'print the result as JSON')
    .action((id: string, opts: { by: string; json?: boolean }) => {
      const by = checkedActor(ctx.db, opts.by, { operator: false });
      const e = entry(ctx, id);
      const s = settleOutbox(ctx.db, { id: e.id, allowed: ['held', 'failed', 'undelivered', 'queued', 'retry'], to: 'cancelled', actor: by, action: 'cancelled' });
      if (!s.ok) throw new CliError(explainOutboxRefusal(e.id, s.error));
      if (opts.json) return printJson(ctx.out, s.value);
      ctx.out.stdout(`mail ${e.id} cancelled by ${by}${s.value.closedFlag ? `; flag ${s.value.closedFlag} closed` : ''}\n`);
    });
}
