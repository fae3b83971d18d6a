import type { DecisionContext } from '../core/decide.js';
import { cachedDecisionContext } from '../db/decision-context-cache.js';
import { countAttempt, findLocation, findRenumbered, uncountAttempt } from '../db/message-store.js';
import type { Incoming } from '../mailbox/mail-port.js';
import { inProcessDecider, type DecisionOutcome } from './decide-message.js';
import type { ProcessorDeps } from './message-processor.js';

/** A decision under way: the outcome with the context it was decided against, or the attempts used up. */
export type Decided = { kind: 'exhausted'; attempts: number } | { kind: 'outcome'; out: DecisionOutcome; ctx: DecisionContext };

export interface PendingDecision {
  result: Promise<Decided>;
}

/**
 * A fetched message whose decision has not begun. Its attempt is counted first, then the decision
 * starts; the drain counts it inside the transaction that records the message before it
 * (handleIncoming), so that at no moment are two messages decided-but-unrecorded with attempts
 * counted: a message that kills the process is always the only one charged for it.
 */
export interface QueuedDecision extends PendingDecision {
  /** Counts the attempt in whatever transaction is open (once). */
  count(): void;
  /** That transaction rolled back: the count did not happen. */
  uncounted(): void;
  /** Counts the attempt if not yet done, and starts deciding (once). */
  begin(): void;
  /** Will not be recorded (the daemon stops): an attempt counted is taken back. */
  drop(): Promise<void>;
}

/** What decisions read now: the registry and the integrations' stages (a cached snapshot, replaced when the database changes). */
export function currentContext(deps: ProcessorDeps): DecisionContext {
  return cachedDecisionContext(deps.db, { ownAddresses: [deps.config.from], minConfidence: deps.config.minConfidence });
}

export function deciderOf(deps: ProcessorDeps) {
  return deps.decider ?? inProcessDecider(deps);
}

/**
 * Queues a message's decision without starting it. Returns null for a message with nothing to decide
 * (too large, or already recorded: handleIncoming finishes those without a decision).
 */
export function queueDecision(deps: ProcessorDeps, inc: Incoming, signal: AbortSignal | undefined): QueuedDecision | null {
  if (!inc.complete) return null;
  if (findLocation(deps.db, inc.loc.mailbox, inc.loc.key) || findRenumbered(deps.db, inc.loc, inc.sha256)) return null;
  let settle!: (d: Decided) => void;
  let fail!: (e: unknown) => void;
  const result = new Promise<Decided>((res, rej) => ((settle = res), (fail = rej)));
  let attempt: ReturnType<typeof countAttempt> | null = null;
  let begun = false;
  const q: QueuedDecision = {
    result,
    count() {
      attempt ??= countAttempt(deps.db, inc.loc, deps.config.decisionMaxAttempts);
    },
    uncounted() {
      if (!begun) attempt = null;
    },
    begin() {
      if (begun) return;
      begun = true;
      try {
        q.count();
        if (!attempt!.ok) return settle({ kind: 'exhausted', attempts: attempt!.error.attempts });
        const ctx = currentContext(deps);
        deciderOf(deps)
          .decide(inc.raw, ctx, signal)
          .then((out) => {
            // Stopping is not the message's fault: the attempt is taken back.
            if (out.kind === 'abandoned') uncountAttempt(deps.db, inc.loc);
            settle({ kind: 'outcome', out, ctx });
          })
          // A database error taking the attempt back settles the result too: never left pending.
          .catch(fail);
      } catch (e) {
        fail(e);
      }
    },
    async drop() {
      if (!begun) {
        // Never begins now; its result never settles, and nothing waits for it.
        begun = true;
        if (attempt?.ok) uncountAttempt(deps.db, inc.loc);
        attempt = null;
        return;
      }
      await takeBackIfDecided(deps, inc, result);
    },
  };
  result.catch(() => undefined);
  return q;
}

/** Counts the attempt and starts deciding a message now. */
export function startDecision(deps: ProcessorDeps, inc: Incoming, signal: AbortSignal | undefined): PendingDecision | null {
  const q = queueDecision(deps, inc, signal);
  q?.begin();
  return q;
}

/** A decision that will not be recorded (the daemon stopped first): its attempt is taken back. */
export async function dropDecision(deps: ProcessorDeps, inc: Incoming, pending: PendingDecision): Promise<void> {
  if ('drop' in pending) return (pending as QueuedDecision).drop();
  await takeBackIfDecided(deps, inc, pending.result);
}

/** A decision that ran is taken back once it settles (an abandoned one already was; an exhausted one counted none). */
async function takeBackIfDecided(deps: ProcessorDeps, inc: Incoming, result: Promise<Decided>): Promise<void> {
  const r = await result.catch(() => null);
  if (r?.kind === 'outcome' && r.out.kind !== 'abandoned') uncountAttempt(deps.db, inc.loc);
}
