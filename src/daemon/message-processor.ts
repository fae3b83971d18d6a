import type { Config } from '../config.js';
import type { Decision } from '../core/decide.js';
import { disposition, type Reason } from '../core/reasons.js';
import { parseStaffCommand, tokenInSubject } from '../core/staff-command.js';
import { invalidateDecisionContext } from '../db/decision-context-cache.js';
import {
  addLocation,
  findEarlier,
  findFlagForReply,
  findLocation,
  findRenumbered,
  recordMessage,
  type MessageRecord,
  type Outcome,
  uncountAttempt,
} from '../db/message-store.js';
import type { Db } from '../db/open-db.js';
import type { Logger } from '../logger.js';
import { checkBounce, withBounce } from './check-bounce.js';
import { decisionEvidence, type DecideDeps, type Decider, type MailFacts } from './decide-message.js';
import { currentContext, deciderOf, dropDecision, startDecision, type PendingDecision, type QueuedDecision } from './start-decision.js';
import type { Metrics } from './metrics.js';

import type { FolderKey, Incoming } from '../mailbox/mail-port.js';
import { prepared } from '../db/raw-client.js';

export interface ProcessorDeps extends DecideDeps {
  db: Db;
  config: Pick<Config, 'from' | 'minConfidence' | 'flagTtlDays' | 'maxMessageBytes' | 'testCrashAt' | 'decisionMaxAttempts' | 'bounceAddress' | 'verp'> & Partial<Pick<Config, 'clientRejectNotice' | 'since'>>;
  logger: Logger;
  now?: () => Date;
  metrics?: Metrics | undefined;
  /**
   * Parses and decides a message: the bounded decision worker in the daemon and the CLI
   * (build-processor.ts); without it, in-process and unbounded (tests).
   */
  decider?: Decider | undefined;
}

export interface Handled {
  folder: FolderKey;
  /** True when the message was recorded before (a restart after commit, or a renumbered mailbox). */
  alreadyKnown: boolean;
  outcome: Outcome | null;
  messageRow: number;
}

/**
 * Test seam for the crash tests: `COUNTERSIGN_TEST_CRASH_AT` kills the process at a named point,
 * as a power cut or `kill -9` would. Never set in production.
 */
function crashPoint(deps: ProcessorDeps, point: 'after_parse' | 'after_commit'): void {
  if (deps.config.testCrashAt === point) process.kill(process.pid, 'SIGKILL');
}

function baseRecord(inc: Incoming, deps: ProcessorDeps, mail: MailFacts | null): Omit<MessageRecord, 'outcome' | 'reasons'> {
  return {
    loc: inc.loc,
    sha256: inc.sha256,
    size: inc.size,
    raw: inc.raw,
    rawComplete: inc.complete,
    messageId: mail?.messageId ?? null,
    fromAddress: mail?.from[0]?.address ?? null,
    subject: mail?.subject ?? null,
    date: mail?.date ?? null,
    now: (deps.now ?? (() => new Date()))(),
    flagTtlDays: deps.config.flagTtlDays,
    mailFrom: deps.config.from,
  };
}

function fromDecision(d: Decision, mail: MailFacts): Pick<MessageRecord, 'outcome' | 'reasons' | 'intent' | 'appId' | 'clientId' | 'confidence' | 'decision' | 'proposal' | 'apply' | 'replyTo'> {
  // Replies go to the authenticated From address of a verified client, threaded; never to Reply-To.
  const replyTo =
    d.sender.kind === 'verified' && d.sender.role === 'client' && d.automated === null
      ? { to: d.sender.address, inReplyTo: mail.messageId, references: [...mail.references, ...(mail.messageId ? [mail.messageId] : [])], subject: mail.subject }
      : null;
  const base = {
    replyTo,
    reasons: d.reasons,
    intent: d.intent,
    appId: d.app,
    clientId: d.client,
    confidence: d.confidence,
    decision: decisionEvidence(d),
    proposal: d.step ? { step: d.step, appId: d.app, clientId: d.client } : null,
  };
  if (d.action === 'apply' && d.step && d.app && d.client && d.sender.kind === 'verified') {
    return {
      ...base,
      outcome: 'apply',
      apply: {
        step: d.step,
        appId: d.app,
        clientId: d.client,
        actorAddress: d.sender.address,
        betaParts: d.betaParts,
        evidence: { matched: d.classification.matched.map((m) => m.text), confidence: d.confidence, sender: d.sender },
      },
    };
  }
  return { ...base, outcome: d.action === 'ignore' ? 'ignored' : 'flagged' };
}

const ACCEPTED_WORDS = 'Your reply was not understood, so nothing was changed.';

/**
 * A reply from a staff address. It resolves a flag only when it names one (token in the subject, or
 * In-Reply-To/References to the notification), comes from a verified staff address, and says
 * approve or reject on its first line; anything else changes nothing (and is flagged, or answered).
 */
function staffReply(deps: ProcessorDeps, d: Decision, mail: MailFacts): Pick<MessageRecord, 'outcome' | 'reasons' | 'intent' | 'decision' | 'resolve' | 'staffAnswer' | 'appId' | 'clientId'> {
  const base = { intent: d.intent, decision: decisionEvidence(d), appId: null, clientId: null };
  const flag = findFlagForReply(deps.db, tokenInSubject(mail.subject), [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...mail.references]);
  if (!flag) return { ...base, outcome: 'flagged', reasons: d.reasons };
  const others = d.reasons.filter((r) => r.code !== 'staff_reply_unmatched');
  if (d.sender.kind !== 'verified' || d.sender.role !== 'staff' || others.some((r) => disposition(r) === 'ignore')) {
    return { ...base, outcome: others.some((r) => disposition(r) === 'ignore') ? 'ignored' : 'flagged', reasons: [...others, { code: 'staff_reply_refused', detail: 'the reply was not from a verified staff address' }] };
  }
  const cmd = parseStaffCommand(d.text.newText, deps.phrases);
  if (cmd.kind === 'unknown') {
    return { ...base, outcome: 'ignored', reasons: [{ code: 'staff_reply_unknown_command', line: cmd.line }], staffAnswer: { to: d.sender.address, text: ACCEPTED_WORDS, subject: mail.subject } };
  }
  return { ...base, outcome: 'flagged', reasons: [], resolve: { flagId: flag.id, command: cmd, by: d.sender.address, subject: mail.subject, rejectNotice: deps.config.clientRejectNotice ?? true } };
}

/**
 * Handles one message exactly once: a message already recorded at this location (or renumbered by a
 * UIDVALIDITY change) is only finished on the server; a new one is parsed, decided and recorded with
 * all its effects in one transaction. The caller marks the server only after this returns.
 *
 * No message can stop the daemon: it is decided by `deps.decider` (a worker thread bounded in time
 * and memory), and each attempt is counted first, so one that kills the whole process is recorded
 * failed after `decisionMaxAttempts` tries instead of being decided on every start. Returns null when
 * `signal` stopped the daemon mid-decision: nothing was recorded, the message is handled again later.
 *
 * `next` (the drain) is the message after this one, when it is fetched by the time this one is
 * recorded: its attempt is counted in this message's commit and its decision starts right after,
 * so the worker waits for nothing but the commit, and the two are never both counted undecided.
 */
export async function handleIncoming(deps: ProcessorDeps, inc: Incoming, signal?: AbortSignal, pending?: PendingDecision | null, next?: () => QueuedDecision | null | undefined): Promise<Handled | null> {
  const { db, logger } = deps;
  const started = process.hrtime.bigint();
  const known = findLocation(db, inc.loc.mailbox, inc.loc.key);
  // A decision started ahead (drain-mailbox.ts) for a message found recorded after all is dropped.
  if (known && pending) await dropDecision(deps, inc, pending);
  if (known) return { folder: (known.targetFolder ?? 'flagged') as FolderKey, alreadyKnown: true, outcome: null, messageRow: known.messageRow };
  const renumbered = findRenumbered(db, inc.loc, inc.sha256);
  if (renumbered) {
    if (pending) await dropDecision(deps, inc, pending);
    addLocation(db, inc.loc, renumbered.messageRow, (renumbered.targetFolder ?? 'flagged') as FolderKey);
    return { folder: (renumbered.targetFolder ?? 'flagged') as FolderKey, alreadyKnown: true, outcome: null, messageRow: renumbered.messageRow };
  }

  let record: MessageRecord;
  if (!inc.complete) {
    const reasons: Reason[] = [{ code: 'too_large', size: inc.size, limit: deps.config.maxMessageBytes }];
    record = { ...baseRecord(inc, deps, null), outcome: 'flagged', reasons };
  } else {
    const decided = await (pending ?? startDecision(deps, inc, signal)!).result;
    let out = decided.kind === 'outcome' ? decided.out : null;
    if (decided.kind === 'outcome' && out?.kind === 'decided' && decided.ctx !== currentContext(deps)) {
      // Decided ahead, while the message before was recorded, and that record changed what decisions
      // read (a stage, a registry import): decided again against today's state. Same attempt.
      logger.debug({ key: inc.loc.key }, 'decided again: the message before changed the decision context');
      out = await deciderOf(deps).decide(inc.raw, currentContext(deps), signal);
      if (out.kind === 'abandoned') uncountAttempt(db, inc.loc);
    }
    if (out?.kind === 'abandoned') return null;
    if (!out) {
      const attempts = decided.kind === 'exhausted' ? decided.attempts : 0;
      logger.error({ key: inc.loc.key, attempts }, 'the message stopped the daemon on every attempt; recorded as failed without deciding it again');
      record = { ...baseRecord(inc, deps, null), outcome: 'failed', reasons: [{ code: 'decision_attempts_exhausted', attempts }] };
    } else if (out.kind === 'unparseable') {
      record = { ...baseRecord(inc, deps, null), outcome: 'flagged', reasons: [{ code: 'unparseable', detail: out.detail }] };
    } else if (out.kind === 'failed') {
      logger.error({ key: inc.loc.key, reason: out.reason }, 'decision failed; the message is recorded as failed');
      record = { ...baseRecord(inc, deps, out.mail), outcome: 'failed', reasons: [out.reason] };
    } else {
      const { mail, decision: d } = out;
      const earlier = findEarlier(db, mail.messageId, inc.sha256);
      if (earlier) {
        record = {
          ...baseRecord(inc, deps, mail),
          outcome: 'duplicate',
          reasons: [{ code: 'duplicate_message', messageId: mail.messageId ?? `sha256:${inc.sha256}` }],
          duplicateOf: earlier.id,
        };
      } else if (deps.config.since && mail.date && mail.date < deps.config.since) {
        // History before the start (`run --since`): recorded as evidence, never applied, answered or flagged.
        record = { ...baseRecord(inc, deps, mail), outcome: 'ignored', reasons: [{ code: 'before_start', date: mail.date, since: deps.config.since }], intent: d.intent, appId: d.app, clientId: d.client, decision: decisionEvidence(d) };
      } else {
        try {
          // A delivery report is matched to the mail it is about (by its VERP token) before anything else.
          const bounce = await checkBounce(deps, inc.raw, mail);
          record = withBounce(d.intent === 'staff_reply' ? { ...baseRecord(inc, deps, mail), ...staffReply(deps, d, mail) } : { ...baseRecord(inc, deps, mail), ...fromDecision(d, mail) }, bounce, mail);
        } catch (e) {
          logger.error({ err: e, key: inc.loc.key }, 'decision failed; the message is recorded as failed');
          record = { ...baseRecord(inc, deps, mail), outcome: 'failed', reasons: [{ code: 'processing_error', detail: (e as Error).message.slice(0, 200) }] };
        }
      }
    }
  }
  crashPoint(deps, 'after_parse');
  // Stopping: the next message is not counted at all (the drain will not decide it).
  const following = signal?.aborted ? undefined : next?.();
  let rec;
  try {
    rec = recordMessage(db, record!, following ? () => following.count() : undefined);
  } catch (e) {
    following?.uncounted();
    throw e;
  }
  if (rec.eventSeq !== null) invalidateDecisionContext(db);
  following?.begin();
  if (deps.metrics) {
    for (const r of rec.reasons.length ? rec.reasons.map((x) => x.code) : ['none']) deps.metrics.messages.inc({ outcome: rec.outcome, reason: r });
    if (rec.eventSeq !== null) {
      const to = (prepared(db, 'SELECT to_stage AS t FROM events WHERE seq = ?').get(rec.eventSeq) as { t: string | null } | undefined)?.t;
      if (to) deps.metrics.stageChanges.inc({ stage: to });
    }
    deps.metrics.latency.observe(Number(process.hrtime.bigint() - started) / 1e9);
  }
  crashPoint(deps, 'after_commit');
  logger.info(
    { messageRow: rec.messageRow, outcome: rec.outcome, reasons: rec.reasons.map((r) => r.code), event: rec.eventSeq, key: inc.loc.key, ms: Math.round(Number(process.hrtime.bigint() - started) / 1e6) },
    `message ${rec.outcome}`,
  );
  return { folder: rec.folder, alreadyKnown: false, outcome: rec.outcome, messageRow: rec.messageRow };
}
