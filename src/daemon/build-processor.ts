import { loadPhraseLists } from '../adapters/load-phrases.js';
import type { Config } from '../config.js';
import type { Db } from '../db/open-db.js';
import type { Logger } from '../logger.js';
import type { DecideDeps } from './decide-message.js';
import { DecisionWorker, type WorkerInit } from './decision-worker.js';
import type { ProcessorDeps } from './message-processor.js';

/** What deciding needs besides the message and the context: built in the decision worker, and for in-process use. */
export async function buildDecideDeps(opts: { authservId: string | null; verifyDkim: boolean }): Promise<DecideDeps> {
  // mailauth is large; loaded only when in-process verification is on.
  const verifyAuth = opts.verifyDkim ? (await import('../adapters/mailauth-verify.js')).mailauthVerifier() : undefined;
  // The language model is large (~60 MB of heap): loaded only where messages are decided.
  const { detectLanguage } = await import('../adapters/detect-language.js');
  return { phrases: loadPhraseLists(), detectLanguage, authservId: opts.authservId, verifyAuth };
}

/**
 * The main thread never decides (the decision worker does), so it does not load the language model;
 * should anything call this, the message is recorded failed, never decided without it.
 */
const decidedInTheWorker = (): never => {
  throw new Error('messages are decided in the decision worker; the main thread has no language model');
};

export function workerInit(config: Config): WorkerInit {
  return { authservId: config.authservId, verifyDkim: config.verifyDkim, testCrashAt: config.testCrashAt, testSlowDecisionMs: config.testSlowDecisionMs };
}

/** The bounded decider the daemon and the CLI use: parse and decide in a worker thread, with a time and memory cap. */
export function buildDecider(config: Config, logger?: Logger): DecisionWorker {
  return new DecisionWorker({ init: workerInit(config), timeoutMs: config.decisionTimeoutMs, memoryMb: config.decisionMemoryMb, logger });
}

/** The processor's production dependencies from the configuration. Close `decider` when done. */
export async function buildProcessorDeps(config: Config, db: Db, logger: Logger, overrides: Partial<ProcessorDeps> = {}): Promise<ProcessorDeps> {
  return {
    db,
    config,
    logger,
    // What the main thread still needs: the phrase lists (staff commands) and authentication
    // evidence (delivery reports); mailauth only when in-process verification is on.
    phrases: loadPhraseLists(),
    detectLanguage: decidedInTheWorker,
    authservId: config.authservId,
    verifyAuth: config.verifyDkim ? (await import('../adapters/mailauth-verify.js')).mailauthVerifier() : undefined,
    decider: buildDecider(config, logger.child({ component: 'decision-worker' })),
    ...overrides,
  };
}
