import { loadPhraseLists } from '../adapters/load-phrases.js';
import { detectLanguage } from '../adapters/detect-language.js';
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
  return { phrases: loadPhraseLists(), detectLanguage, authservId: opts.authservId, verifyAuth };
}

export function workerInit(config: Config): WorkerInit {
  return { authservId: config.authservId, verifyDkim: config.verifyDkim, testCrashAt: config.testCrashAt, testSlowDecisionMs: config.testSlowDecisionMs };
}

/** The bounded decider the daemon and the CLI use: parse and decide in a worker thread, with a time and memory cap. */
export function buildDecider(config: Config): DecisionWorker {
  return new DecisionWorker({ init: workerInit(config), timeoutMs: config.decisionTimeoutMs, memoryMb: config.decisionMemoryMb });
}

/** The processor's production dependencies from the configuration. Close `decider` when done. */
export async function buildProcessorDeps(config: Config, db: Db, logger: Logger, overrides: Partial<ProcessorDeps> = {}): Promise<ProcessorDeps> {
  return {
    db,
    config,
    logger,
    ...(await buildDecideDeps(config)),
    decider: buildDecider(config),
    ...overrides,
  };
}
