import { markLocations } from '../db/message-store.js';
import type { MailSource } from '../mailbox/mail-port.js';
import { handleIncoming, type ProcessorDeps } from './message-processor.js';
import { relieveMemory } from './memory-guard.js';
import { shadowIncoming } from './shadow.js';

const FLUSH_EVERY = 100;

/** Called after each message with how many were handled so far and, when the source knows it, how many there are. */
export type DrainProgress = (done: number, total: number | undefined) => void;

export interface DrainResult {
  handled: number;
  alreadyKnown: number;
}

/**
 * Handles every pending message of a source, one at a time, oldest first. Each message is recorded
 * (committed) before it is marked on the server. Stopping (the signal) lets the message in hand finish
 * being recorded and filed, but abandons a decision still running (the decision worker is stopped),
 * so that a slow or hostile message never delays SIGTERM.
 */
export async function drainMailbox(source: MailSource, deps: ProcessorDeps, opts: { signal: AbortSignal; shadow: boolean; onProgress?: DrainProgress | undefined }): Promise<DrainResult> {
  const result: DrainResult = { handled: 0, alreadyKnown: 0 };
  try {
    for await (const inc of source.pending()) {
      if (opts.shadow) {
        const r = await shadowIncoming(deps, inc, opts.signal);
        if (r === 'stopped') break;
        if (r === 'known') result.alreadyKnown++;
        else result.handled++;
      } else {
        const h = await handleIncoming(deps, inc, opts.signal);
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
      }
      opts.onProgress?.(result.handled + result.alreadyKnown, source.pendingTotal);
      if (opts.signal.aborted) break;
    }
  } finally {
    if (!opts.shadow) {
      const keys = await source.flush();
      markLocations(deps.db, source.mailbox, keys);
    }
  }
  return result;
}
