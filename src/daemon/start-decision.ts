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

/** What decisions read now: the registry and the integrations' stages (a cached snapshot, replaced when the database changes). */
export function currentContext(deps: ProcessorDeps): DecisionContext {
  return cachedDecisionContext(deps.db, { ownAddresses: [deps.config.from], minConfidence: deps.config.minConfidence });
}

export function deciderOf(deps: ProcessorDeps) {
  return deps.decider ?? inProcessDecider(deps);
}

/**
 * Starts deciding a message once `after` (the handling of the message before it, up to its record)
 * has settled, so the worker decides it while the main thread files the one before.
 *
 * The attempt is counted only when this message's own decision starts, never while it waits: a
 * message that kills the process (crash tests, `decision_attempts_exhausted`) is the one being
 * decided, not the one queued behind it. Returns null for a message with nothing to decide (too
 * large, or already recorded: handleIncoming finishes those without a decision).
 */
export function startDecision(deps: ProcessorDeps, inc: Incoming, signal: AbortSignal | undefined, after: Promise<unknown> = Promise.resolve()): PendingDecision | null {
  if (!inc.complete) return null;
  if (findLocation(deps.db, inc.loc.mailbox, inc.loc.key) || findRenumbered(deps.db, inc.loc, inc.sha256)) return null;
  const result = after
    .catch(() => undefined)
    .then(async (): Promise<Decided> => {
      const attempt = countAttempt(deps.db, inc.loc, deps.config.decisionMaxAttempts);
      if (!attempt.ok) return { kind: 'exhausted', attempts: attempt.error.attempts };
      const ctx = currentContext(deps);
      const out = await deciderOf(deps).decide(inc.raw, ctx, signal);
      // Stopping is not the message's fault: the attempt is taken back.
      if (out.kind === 'abandoned') uncountAttempt(deps.db, inc.loc);
      return { kind: 'outcome', out, ctx };
    });
  return { result };
}

/** A decision that will not be recorded (the daemon stopped first): its attempt is taken back. */
export async function dropDecision(deps: ProcessorDeps, inc: Incoming, pending: PendingDecision): Promise<void> {
  const r = await pending.result.catch(() => null);
  if (r?.kind === 'outcome' && r.out.kind !== 'abandoned') uncountAttempt(deps.db, inc.loc);
}
