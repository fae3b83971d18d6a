import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ECHO_LIMITS, echoHeaderValue, quoteClientText } from '../core/client-echo.js';
import { explainReason, type Reason } from '../core/reasons.js';
import { applyStep, explainStepRefusal } from '../db/approval-store.js';
import { loadDecisionContext } from '../db/load-decision-context.js';
import { findMessageRow, messageCauseRef, messageStory, readRawMessage, type MessageStory } from '../db/message-story.js';
import { staff } from '../db/schema.js';
import type { CliContext } from './context.js';
import { checkedActor } from './operator-name.js';
import { CliError, printJson } from './output.js';

const echo = (v: string | null | undefined, max: number): string => echoHeaderValue(v, max);

function storyOf(ctx: CliContext, ref: string): MessageStory {
  const row = findMessageRow(ctx.db, ref);
  const story = row === null ? null : messageStory(ctx.db, row);
  if (!story) throw new CliError(`no message ${JSON.stringify(ref.slice(0, 200))}; list them with \`countersign messages\``, 1, 'not_found');
  return story;
}

function printStory(ctx: CliContext, s: MessageStory): void {
  const m = s.message;
  const newText = typeof s.decision.newText === 'string' ? s.decision.newText : '';
  const lines = [
    `message ${m.id}: ${m.outcome.toUpperCase()}${m.intent ? ` ${m.intent}` : ''}${m.app ? ` ${m.app}` : ''}${m.client ? ` at ${m.client}` : ''}${m.confidence !== null ? ` (confidence ${m.confidence})` : ''}`,
    `  received ${m.receivedAt} in ${m.mailbox}; ${m.size} bytes; SHA-256 ${m.sha256}`,
    `  from ${echo(m.from, ECHO_LIMITS.address) || '(unknown)'}, subject "${echo(m.subject, ECHO_LIMITS.subject)}", Message-ID ${echo(m.messageId, ECHO_LIMITS.messageId) || '(none)'}`,
    ...(m.duplicateOf !== null ? [`  a duplicate of message ${m.duplicateOf}`] : []),
    'reasons:',
    ...(s.reasons.length ? s.reasons.map((r) => `  - ${echo(explainReason(r), 600)}`) : ['  (none: nothing was in doubt)']),
    ...(newText ? ['what the sender newly wrote:', quoteClientText(newText, 2000)] : []),
    'stage changes:',
    ...(s.events.length
      ? s.events.map((e) => `  event ${e.seq} ${e.at}: ${e.kind}${e.app ? ` ${e.app} at ${e.client ?? '?'}` : ''}${e.toStage ? `: ${e.fromStage ?? '?'} → ${e.toStage}` : ''} (by ${e.actor}, cause ${e.causeType})`)
      : ['  (none)']),
    'flags:',
    ...(s.flags.length ? s.flags.map((f) => `  flag ${f.id} [${f.token}] ${f.status} (${f.kind})${f.resolvedBy ? `, resolved by ${f.resolvedBy} on ${f.resolvedAt}` : ''}`) : ['  (none)']),
    'mails:',
    ...(s.mails.length
      ? s.mails.map((o) => `  outbox ${o.id} ${o.kind} to ${o.recipient ?? 'the registry staff'}: ${o.status}${o.sentAt ? ` ${o.sentAt}` : ''}${o.lastError ? ` (${echo(o.lastError, 300)})` : ''}`)
      : ['  (none)']),
  ];
  ctx.out.stdout(`${lines.join('\n')}\n`);
}

export function registerMessageCommand(program: Command, ctx: CliContext): void {
  const cmd = program.command('message').description("one message's story, its raw evidence, or a new decision against today's registry");

  cmd
    .command('show')
    .description('the decision, every reason in words, the stage changes, flags and mails it caused')
    .argument('<ref>', 'the message id (from `countersign messages`) or its Message-ID')
    .option('--json', 'print it as JSON: message, reasons, decision, events, flags, mails')
    .action((ref: string, opts: { json?: boolean }) => {
      const s = storyOf(ctx, ref);
      if (opts.json) return printJson(ctx.out, { ...s, reasons: s.reasons.map((r) => ({ ...r, explanation: explainReason(r) })) });
      printStory(ctx, s);
    });

  cmd
    .command('raw')
    .description('write the stored raw message (the evidence) to a new .eml file, readable only by you, and print its SHA-256 as recorded')
    .argument('<ref>', 'the message id or its Message-ID')
    .option('--out <file>', 'the file to write (never overwritten)', '')
    .option('--json', 'print the result as JSON: file, sha256, size, complete, matches')
    .action((ref: string, opts: { out: string; json?: boolean }) => {
      const { message: m } = storyOf(ctx, ref);
      const stored = readRawMessage(ctx.db, m.sha256);
      if (!stored) throw new CliError(`message ${m.id}: its raw copy is no longer stored (COUNTERSIGN_RAW_RETENTION_DAYS pruned it); SHA-256 as recorded: ${m.sha256}`, 1, 'not_found');
      const file = opts.out || `message-${m.id}.eml`;
      try {
        // 'wx': refuse to overwrite; 0600: the evidence may hold what the client wrote, for this operator only.
        writeFileSync(file, stored.raw, { flag: 'wx', mode: 0o600 });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new CliError(code === 'EEXIST' ? `${file} exists; it is never overwritten (choose another with --out)` : `cannot write ${file}: ${code ?? (e as Error).message}`, 2);
      }
      // Only the whole message hashes to the recorded value; an oversized one kept only its head.
      const matches = stored.complete ? createHash('sha256').update(stored.raw).digest('hex') === m.sha256 : null;
      if (opts.json) return printJson(ctx.out, { file, sha256: m.sha256, size: m.size, written: stored.raw.length, complete: stored.complete, matches });
      ctx.out.stdout(
        `${file}: SHA-256 ${m.sha256} (as recorded)\n` +
          (stored.complete
            ? `the stored copy is complete (${stored.raw.length} bytes)${matches ? ' and its SHA-256 matches' : '; its SHA-256 does NOT match the recorded one'}\n`
            : `the stored copy is NOT complete: only the first ${stored.raw.length} of ${m.size} bytes were kept (the message was over COUNTERSIGN_MAX_MESSAGE_BYTES); the SHA-256 is the whole message's\n`),
      );
      if (matches === false) process.exitCode = 1;
    });

  cmd
    .command('redecide')
    .description("decide the stored message again against today's registry; with --apply, apply the new decision through the state machine")
    .argument('<ref>', 'the message id or its Message-ID')
    .option('--apply', 'apply the step when the new decision is to apply (logged with the message as its cause)')
    .option('--by <who>', 'recorded as the actor: a registry staff address, or your own operator name (the default)')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, opts: { apply?: boolean; by?: string; json?: boolean }) => {
      const { message: m } = storyOf(ctx, ref);
      const actorAddress = opts.apply ? checkedActor(ctx.db, opts.by, { operator: true }) : null;
      const stored = readRawMessage(ctx.db, m.sha256);
      if (!stored) throw new CliError(`message ${m.id}: its raw copy is no longer stored, so it cannot be decided again`, 1, 'not_found');
      if (!stored.complete) throw new CliError(`message ${m.id}: only the head of it was kept (it was over COUNTERSIGN_MAX_MESSAGE_BYTES), so it cannot be decided again`, 1);
      // The bounded path `classify` and the daemon use: a hostile message returns within the timeout.
      const { buildDecider } = await import('../daemon/build-processor.js');
      const decider = buildDecider(ctx.config);
      const dctx = loadDecisionContext(ctx.db, { ownAddresses: [ctx.config.from], minConfidence: ctx.config.minConfidence });
      let out: Awaited<ReturnType<typeof decider.decide>>;
      try {
        out = await decider.decide(stored.raw, dctx);
      } finally {
        await decider.close();
      }
      if (out.kind !== 'decided') {
        const why: Reason = out.kind === 'failed' ? out.reason : { code: 'unparseable', detail: out.kind === 'unparseable' ? out.detail : 'stopped' };
        throw new CliError(`message ${m.id} could not be decided: ${explainReason(why)}`);
      }
      const d = out.decision;
      const mail = out.mail;
      const summary = { message: m.id, was: m.outcome, decision: d.action, intent: d.intent, app: d.app, client: d.client, step: d.step, confidence: d.confidence, reasons: d.reasons.map((r) => ({ ...r, explanation: explainReason(r) })) };
      const head = `message ${m.id} (was ${m.outcome}) now: ${d.action.toUpperCase()} ${d.intent}${d.app ? ` ${d.app}` : ''}${d.client ? ` at ${d.client}` : ''} (sender ${d.senderSummary}, confidence ${d.confidence})\n${d.reasons.map((r) => `  - ${echo(explainReason(r), 600)}\n`).join('')}`;
      if (!opts.apply) {
        if (opts.json) return printJson(ctx.out, { ...summary, applied: null });
        ctx.out.stdout(`${head}(nothing changed; add --apply to apply it)\n`);
        return;
      }
      // Only a clean apply decision from a verified sender is applied, exactly as the daemon would.
      if (d.action !== 'apply' || !d.step || !d.app || !d.client || d.sender.kind !== 'verified' || d.intent === 'staff_reply') {
        if (!opts.json) ctx.out.stdout(head);
        throw new CliError(`message ${m.id}: not applied; the new decision is ${d.action}, not apply`);
      }
      const isStaff = ctx.db.select().from(staff).all().some((s) => s.address === actorAddress);
      const r = applyStep(ctx.db, {
        appId: d.app,
        clientId: d.client,
        step: d.step,
        actor: isStaff ? 'staff' : 'operator',
        actorAddress: actorAddress!,
        cause: { type: 'message', ref: messageCauseRef(m) },
        betaParts: d.betaParts,
        evidence: { redecided: true, messageRow: m.id, sha256: m.sha256, originalOutcome: m.outcome, matched: d.classification.matched.map((x) => x.text), confidence: d.confidence, sender: d.sender },
        mailFrom: ctx.config.from,
        flagTtlDays: ctx.config.flagTtlDays,
        // The client is acknowledged as an automatic apply would, threaded to its own mail.
        ...(d.sender.role === 'client' && d.automated === null
          ? { acknowledge: { to: d.sender.address, inReplyTo: mail.messageId, references: [...mail.references, ...(mail.messageId ? [mail.messageId] : [])], subject: mail.subject } }
          : {}),
      });
      if (!r.ok) {
        if (!opts.json) ctx.out.stdout(head);
        throw new CliError(`message ${m.id}: not applied: ${explainStepRefusal(r.error)}`);
      }
      if (opts.json) return printJson(ctx.out, { ...summary, applied: { ...r.value, actor: actorAddress } });
      ctx.out.stdout(`${head}applied: ${d.app} at ${d.client} ${r.value.from} → ${r.value.to} (event ${r.value.seq}, by ${actorAddress}, cause message ${messageCauseRef(m)})\n`);
    });
}
