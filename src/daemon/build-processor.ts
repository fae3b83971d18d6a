import { loadPhraseLists } from '../adapters/load-phrases.js';
import { winkSentences } from '../adapters/wink-sentences.js';
import type { Config } from '../config.js';
import type { Db } from '../db/open-db.js';
import type { Logger } from '../logger.js';
import type { ProcessorDeps } from './message-processor.js';

/** The processor's production dependencies from the configuration. */
export async function buildProcessorDeps(config: Config, db: Db, logger: Logger, overrides: Partial<ProcessorDeps> = {}): Promise<ProcessorDeps> {
  // mailauth is large; loaded only when in-process verification is on.
  const verifyAuth = config.verifyDkim ? (await import('../adapters/mailauth-verify.js')).mailauthVerifier() : undefined;
  return {
    db,
    config,
    logger,
    phrases: loadPhraseLists(),
    analyze: winkSentences,
    authservId: config.authservId,
    verifyAuth,
    ...overrides,
  };
}
