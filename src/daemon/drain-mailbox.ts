import { markLocations } from '../db/message-store.js';
import type { MailSource } from './mail-source.js';
import { handleIncoming, type ProcessorDeps } from './message-processor.js';
import { relieveMemory } from './memory-guard.js';
import { shadowIncoming } from './shadow.js';

const FLUSH_EVERY = 100;

export interface DrainResult {
  handled: number;
  alreadyKnown: number;
}

/**
 * Handles every pending message of a source, one at a time, oldest first. Each message is recorded
 * (committed) before it is marked on the server. Stopping (the signal) lets the message in hand finish.
 */
export async function drainMailbox(source: MailSource, deps: ProcessorDeps, opts: { signal: AbortSignal; shadow: boolean }): Promise<DrainResult> {
  const result: DrainResult = { handled: 0, alreadyKnown: 0 };
  try {
    for await (const inc of source.pending()) {
      if (opts.shadow) {
        if ((await shadowIncoming(deps, inc)) === 'known') result.alreadyKnown++;
        else result.handled++;
      } else {
        const h = await handleIncoming(deps, inc);
        if (h.alreadyKnown) result.alreadyKnown++;
        else result.handled++;
        await source.mark(inc.loc, h.folder);
        // File in batches: one durability barrier per batch, not one fsync per message.
        if ((result.handled + result.alreadyKnown) % FLUSH_EVERY === 0) {
          markLocations(deps.db, source.mailbox, await source.flush());
          relieveMemory();
        }
      }
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
