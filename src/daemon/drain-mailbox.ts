import { markLocations } from '../db/message-store.js';
import type { Incoming, MailSource } from '../mailbox/mail-port.js';
import { handleIncoming, type ProcessorDeps } from './message-processor.js';
import { relieveMemory } from './memory-guard.js';
import { shadowIncoming } from './shadow.js';
import { dropDecision, startDecision, type PendingDecision } from './start-decision.js';

const FLUSH_EVERY = 100;

/** Called after each message with how many were handled so far and, when the source knows it, how many there are. */
export type DrainProgress = (done: number, total: number | undefined) => void;

export interface DrainResult {
  handled: number;
  alreadyKnown: number;
}

/** Above this size nothing more is fetched ahead of a message: two large messages are never held at once. */
const LOOKAHEAD_MAX_BYTES = 1024 * 1024;
/**
 * How far fetching and deciding may run ahead of recording: a few messages, a few megabytes. One
 * message ahead was not enough: at every batch boundary the source files the batch and starts the
 * next FETCH, and the decision worker sat idle meanwhile.
 */
const LOOKAHEAD_MESSAGES = 16;
const LOOKAHEAD_BYTES = 8 * 1024 * 1024;

/** A message asked for ahead of recording, and (once fetched) its decision under way. */
interface Ahead {
  next: Promise<IteratorResult<Incoming>>;
  /** Set when `next` settles: the message (if any) and its decision (null: nothing to decide). */
  got?: { inc: Incoming; pending: PendingDecision | null } | null;
}

/**
 * Handles every pending message of a source, oldest first. Each message is recorded (committed)
 * before it is marked on the server. Stopping (the signal) lets the message in hand finish being
 * recorded and filed, but abandons a decision still running (the decision worker is stopped), so
 * that a slow or hostile message never delays SIGTERM.
 *
 * Messages are recorded one at a time, in order; only fetching and deciding run ahead: while the main
 * thread records and files one message, the next ones (up to LOOKAHEAD_MESSAGES and LOOKAHEAD_BYTES)
 * are fetched and decided in the worker, one after another. A decision made against a context that a
 * record then changed is made again (see handleIncoming).
 */
export async function drainMailbox(source: MailSource, deps: ProcessorDeps, opts: { signal: AbortSignal; shadow: boolean; onProgress?: DrainProgress | undefined }): Promise<DrainResult> {
  if (opts.shadow) return drainShadow(source, deps, opts);
  const result: DrainResult = { handled: 0, alreadyKnown: 0 };
  const it = source.pending()[Symbol.asyncIterator]();
  const window: Ahead[] = [];
  let ended = false;
  let failed = false;
  let bytesAhead = 0;
  // Each decision starts when the one before it has settled (the worker decides one at a time).
  let lastDecision: Promise<unknown> | undefined;
  const topUp = (): void => {
    while (!ended && !failed && !opts.signal.aborted && window.length < LOOKAHEAD_MESSAGES && bytesAhead < LOOKAHEAD_BYTES) {
      const last = window.at(-1);
      // The next request waits until the last one's size is known: the byte bound holds before a fetch.
      if (last && (last.got === undefined || (last.got && last.got.inc.size > LOOKAHEAD_MAX_BYTES))) return;
      const entry: Ahead = { next: it.next() };
      entry.next.then(
        (r) => {
          if (r.done) {
            ended = true;
            entry.got = null;
            return;
          }
          const pending = startDecision(deps, r.value, opts.signal, lastDecision);
          if (pending) lastDecision = pending.result;
          entry.got = { inc: r.value, pending };
          bytesAhead += r.value.size;
          topUp();
        },
        () => {
          // Rethrown where it is awaited; nothing more is asked of a failed source.
          failed = true;
          entry.got = null;
        },
      );
      window.push(entry);
    }
  };
  try {
    for (;;) {
      topUp();
      const entry = window.shift();
      if (!entry) break;
      const r = await entry.next;
      if (r.done) break;
      const { inc, pending } = entry.got!;
      bytesAhead -= inc.size;
      topUp();
      const h = await handleIncoming(deps, inc, opts.signal, pending);
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
    }
  } finally {
    // Stopped (or failed) with messages fetched ahead and perhaps decided: nothing of them is
    // recorded, so their attempts are taken back; they are handled at the next pass.
    for (const entry of window.splice(0)) {
      const r = await entry.next.catch(() => null);
      if (r && !r.done && entry.got?.pending) await dropDecision(deps, r.value, entry.got.pending);
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
