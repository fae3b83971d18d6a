import { markLocations } from '../db/message-store.js';
import type { Incoming, MailSource } from '../mailbox/mail-port.js';
import { handleIncoming, type ProcessorDeps } from './message-processor.js';
import { relieveMemory } from './memory-guard.js';
import { shadowIncoming } from './shadow.js';
import { queueDecision, type QueuedDecision } from './start-decision.js';

const FLUSH_EVERY = 100;

/** Called after each message with how many were handled so far and, when the source knows it, how many there are. */
export type DrainProgress = (done: number, total: number | undefined) => void;

export interface DrainResult {
  handled: number;
  alreadyKnown: number;
}

/** The next message, fetched while this one is decided; `queued` is undefined until it has arrived. */
interface Ahead {
  next: Promise<IteratorResult<Incoming>>;
  queued: QueuedDecision | null | undefined;
}

/** Fetches the next message and queues its decision as it arrives; a failure there rejects `next`, which the drain awaits. */
function fetchAhead(it: AsyncIterator<Incoming>, deps: ProcessorDeps, signal: AbortSignal): Ahead {
  const a: Ahead = {
    next: it.next().then((r) => {
      a.queued = r.done ? null : queueDecision(deps, r.value, signal);
      return r;
    }),
    queued: undefined,
  };
  return a;
}

/** Above this size the next message is not fetched ahead: two large messages are never held at once. */
const LOOKAHEAD_MAX_BYTES = 1024 * 1024;

/**
 * Handles every pending message of a source, oldest first. Each message is recorded (committed)
 * before it is marked on the server. Stopping (the signal) lets the message in hand finish being
 * recorded and filed, but abandons a decision still running (the decision worker is stopped), so
 * that a slow or hostile message never delays SIGTERM.
 *
 * Messages are recorded one at a time, in order. The next message is fetched while this one is
 * decided and recorded, and decided in the worker while this one is filed; a decision made against a
 * context that changed meanwhile (another process's registry import) is made again: see handleIncoming.
 */
export async function drainMailbox(source: MailSource, deps: ProcessorDeps, opts: { signal: AbortSignal; shadow: boolean; onProgress?: DrainProgress | undefined }): Promise<DrainResult> {
  if (opts.shadow) return drainShadow(source, deps, opts);
  const result: DrainResult = { handled: 0, alreadyKnown: 0 };
  const it = source.pending()[Symbol.asyncIterator]();
  let ahead: Ahead | null = null;
  try {
    let next = await it.next();
    let pending = next.done ? null : queueDecision(deps, next.value, opts.signal);
    pending?.begin();
    while (!next.done) {
      const inc = next.value;
      const a = (ahead = inc.size <= LOOKAHEAD_MAX_BYTES ? fetchAhead(it, deps, opts.signal) : null);
      // The next decision starts once this message is recorded, never before: were the next message
      // to kill the process while this one was decided but not yet recorded, this one would be
      // decided again and charged another attempt each time, until it was recorded failed for a
      // crash that was not its own (decision_attempts_exhausted). So its attempt is counted in this
      // message's own commit (handleIncoming), and it is decided while this one is filed.
      const handling = handleIncoming(deps, inc, opts.signal, pending, a ? () => a.queued : undefined);
      if (a) {
        // Fetched only after this one was recorded (or nothing was recorded): started here instead.
        Promise.all([handling, a.next]).then(([h]) => h && !opts.signal.aborted && a.queued?.begin(), () => undefined);
      }
      const h = await handling;
      // Stopped mid-decision: nothing recorded, so nothing to mark; the message is handled next start.
      if (!h) break;
      if (h.alreadyKnown) result.alreadyKnown++;
      else result.handled++;
      await source.mark(inc.loc, h.folder);
      // File in batches: one durability barrier per batch, not one fsync per message.
      if ((result.handled + result.alreadyKnown) % FLUSH_EVERY === 0) {
        markLocations(deps.db, source.mailbox, await source.flush());
        relieveMemory();
      }
      opts.onProgress?.(result.handled + result.alreadyKnown, source.pendingTotal);
      if (opts.signal.aborted) break;
      if (a) {
        next = await a.next;
        pending = a.queued ?? null;
        ahead = null;
      } else {
        next = await it.next();
        pending = next.done ? null : queueDecision(deps, next.value, opts.signal);
      }
      pending?.begin();
    }
  } finally {
    // Stopped with the next message fetched and perhaps decided: nothing of it is recorded, so its
    // attempt is taken back; it is handled at the next pass.
    if (ahead) {
      await ahead.next.catch(() => null);
      await ahead.queued?.drop();
    }
    await it.return?.(undefined);
    const keys = await source.flush();
    markLocations(deps.db, source.mailbox, keys);
  }
  return result;
}

/** Shadow mode: each message decided and compared, nothing recorded, nothing marked. */
async function drainShadow(source: MailSource, deps: ProcessorDeps, opts: { signal: AbortSignal; onProgress?: DrainProgress | undefined }): Promise<DrainResult> {
  const result: DrainResult = { handled: 0, alreadyKnown: 0 };
  for await (const inc of source.pending()) {
    const r = await shadowIncoming(deps, inc, opts.signal);
    if (r === 'stopped') break;
    if (r === 'known') result.alreadyKnown++;
    else result.handled++;
    opts.onProgress?.(result.handled + result.alreadyKnown, source.pendingTotal);
    if (opts.signal.aborted) break;
  }
  return result;
}
