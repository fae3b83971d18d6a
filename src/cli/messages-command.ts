import type { Command } from 'commander';
import { ECHO_LIMITS, echoHeaderValue } from '../core/client-echo.js';
import { listMessages } from '../db/message-story.js';
import type { CliContext } from './context.js';
import { CliError, printJson, printTable } from './output.js';
import { parseSince } from './parse-since.js';

const OUTCOMES = ['applied', 'flagged', 'ignored', 'duplicate', 'failed'] as const;

export function registerMessagesCommand(program: Command, ctx: CliContext): void {
  program
    .command('messages')
    .description('every message received, with its outcome and reasons; `message show ID` tells one message\'s story')
    .option('--outcome <outcome>', `only this outcome: ${OUTCOMES.join(', ')}`)
    .option('--since <date>', 'only messages recorded at or after this ISO 8601 date or date-time')
    .option('--json', 'print a JSON array: id, receivedAt, outcome, messageId, from, subject, intent, app, client, confidence, reasons')
    .action((opts: { outcome?: string; since?: string; json?: boolean }) => {
      if (opts.outcome !== undefined && !(OUTCOMES as readonly string[]).includes(opts.outcome)) {
        throw new CliError(`--outcome: "${opts.outcome.slice(0, 50)}" is not an outcome (${OUTCOMES.join(', ')})`, 2);
      }
      const rows = listMessages(ctx.db, { outcome: opts.outcome, since: opts.since === undefined ? undefined : parseSince(opts.since) });
      if (opts.json) return printJson(ctx.out, rows);
      printTable(
        ctx.out,
        rows,
        [
          { header: 'id', value: (r) => r.id },
          { header: 'received', value: (r) => r.receivedAt },
          { header: 'outcome', value: (r) => r.outcome },
          // Sender-controlled: one line, control characters removed (src/core/client-echo.ts).
          { header: 'from', value: (r) => echoHeaderValue(r.from, 60) },
          { header: 'reasons', value: (r) => r.reasons.join(',') },
          { header: 'subject', value: (r) => echoHeaderValue(r.subject, Math.min(ECHO_LIMITS.subject, 60)) },
        ],
        'No messages.',
      );
    });
}
