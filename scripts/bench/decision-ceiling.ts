import { loadConfig } from '../../src/config.js';
import { buildDecider } from '../../src/daemon/build-processor.js';
import { loadDecisionContext } from '../../src/db/load-decision-context.js';
import { openDb } from '../../src/db/open-db.js';

export interface CeilingResult {
  /** Messages per second the daemon's decision worker parses and decides, fed back to back. */
  decide_only_per_s: number;
  /** Warm decisions only (the last half), for comparison with an in-process measure. */
  decide_only_warm_per_s: number;
}

/**
 * The backlog's ceiling: the same messages, parsed and decided by the daemon's own decision worker
 * one after another, with nothing else running (no IMAP, no database writes, no filing). The daemon
 * decides one message at a time, in order, and starts the next only once this one is recorded: a
 * message that kills the process must be the only one charged for it (see drain-mailbox.ts). So
 * `run --once` can go no faster than this, however well fetching, recording and filing overlap it;
 * over the floor it bounds the ratio the daemon can reach on this machine.
 */
export async function decisionCeilingPhase(raws: readonly string[], dbPath: string, env: Record<string, string>): Promise<CeilingResult> {
  const config = loadConfig(env);
  const db = openDb(dbPath);
  const ctx = loadDecisionContext(db, { ownAddresses: [config.from], minConfidence: config.minConfidence });
  db.$client.close();
  const decider = buildDecider(config);
  try {
    // The first decision waits for the worker to start and warm up, as the daemon's does before its first message.
    await decider.decide(Buffer.from(raws[0]!), ctx);
    const t0 = performance.now();
    let half = t0;
    const mid = Math.floor(raws.length / 2);
    for (let i = 1; i < raws.length; i++) {
      if (i === mid) half = performance.now();
      const out = await decider.decide(Buffer.from(raws[i]!), ctx);
      if (out.kind !== 'decided') throw new Error(`bench message ${i} was not decided: ${out.kind}`);
    }
    const end = performance.now();
    return {
      decide_only_per_s: Math.round(((raws.length - 1) / (end - t0)) * 1000),
      decide_only_warm_per_s: Math.round(((raws.length - mid) / (end - half)) * 1000),
    };
  } finally {
    await decider.close();
  }
}
