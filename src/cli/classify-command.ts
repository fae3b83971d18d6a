import type { Command } from 'commander';
import type { Decision } from '../core/decide.js';
import { explainReason, type Reason } from '../core/reasons.js';
import { loadDecisionContext } from '../db/load-decision-context.js';
import type { CliContext } from './context.js';
import { CliError } from './output.js';
import { readMessageFile } from './read-message-file.js';

interface Line {
  file: string;
  intent: string;
  app: string | null;
  client: string | null;
  sender: 'verified' | 'unverified' | 'unknown';
  automated: boolean;
  decision: 'apply' | 'flag' | 'ignore';
  confidence: number;
  reasons: string[];
}

const codes = (rs: Reason[]) => rs.map((r) => r.code);

export function registerClassifyCommand(program: Command, ctx: CliContext): void {
  program
    .command('classify')
    .description('the full decision for each .eml file against the current database; changes nothing, sends nothing')
    .argument('<files...>', 'raw RFC 5322 messages')
    .option('--json', 'one JSON object per line: file, intent, app, client, sender, automated, decision, confidence, reasons')
    .action(async (files: string[], opts: { json?: boolean }) => {
      // The daemon's bounded path: a hostile file returns within COUNTERSIGN_DECISION_TIMEOUT_MS with its reason.
      const { buildDecider } = await import('../daemon/build-processor.js');
      const decider = buildDecider(ctx.config);
      const dctx = loadDecisionContext(ctx.db, { ownAddresses: [ctx.config.from], minConfidence: ctx.config.minConfidence });
      let unreadable = 0;
      for (const file of files) {
        let raw: Buffer;
        let size: number;
        try {
          // Never more than the daemon's cap plus one byte: enough to know the file is over it.
          ({ raw, size } = await readMessageFile(file, ctx.config.maxMessageBytes + 1));
        } catch (e) {
          unreadable++;
          ctx.out.stderr(`countersign: cannot open ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
          continue;
        }
        let line: Line;
        let d: Decision | null = null;
        // Over the cap, flagged without being parsed, with the daemon's reason (src/daemon/message-processor.ts).
        const out: Awaited<ReturnType<typeof decider.decide>> | { kind: 'failed'; reason: Reason } =
          raw.length > ctx.config.maxMessageBytes ? { kind: 'failed', reason: { code: 'too_large', size, limit: ctx.config.maxMessageBytes } } : await decider.decide(raw, dctx);
        if (out.kind === 'decided') {
          d = out.decision;
          line = { file, intent: d.intent, app: d.app, client: d.client, sender: d.senderSummary, automated: d.automated !== null, decision: d.action, confidence: d.confidence, reasons: codes(d.reasons) };
        } else {
          const failure: Reason = out.kind === 'failed' ? out.reason : { code: 'unparseable', detail: out.kind === 'unparseable' ? out.detail : 'stopped' };
          line = { file, intent: 'other', app: null, client: null, sender: 'unknown', automated: false, decision: 'flag', confidence: 0, reasons: [failure.code] };
          if (!opts.json) ctx.out.stderr(`${file}: ${explainReason(failure)}\n`);
        }
        if (opts.json) ctx.out.stdout(`${JSON.stringify(line)}\n`);
        else {
          ctx.out.stdout(`${file}: ${line.decision.toUpperCase()} ${line.intent}${line.app ? ` ${line.app}` : ''}${line.client ? ` at ${line.client}` : ''} (sender ${line.sender}, confidence ${line.confidence})\n`);
          for (const r of d?.reasons ?? []) ctx.out.stdout(`  - ${explainReason(r)}\n`);
        }
      }
      await decider.close();
      if (unreadable > 0 && unreadable === files.length) throw new CliError(`no file could be opened (${unreadable})`);
      if (unreadable > 0) process.exitCode = 1;
    });
}
