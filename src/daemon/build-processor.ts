import { loadPhraseLists } from '../adapters/load-phrases.js';
import { mailauthVerifier } from '../adapters/mailauth-verify.js';
import { winkSentences } from '../adapters/wink-sentences.js';
import type { Config } from '../config.js';
import type { Db } from '../db/open-db.js';
import type { Logger } from '../logger.js';
import type { ProcessorDeps } from './message-processor.js';

/** The processor's production dependencies from the configuration. */
export function buildProcessorDeps(config: Config, db: Db, logger: Logger, overrides: Partial<ProcessorDeps> = {}): ProcessorDeps {
  return {
    db,
    config,
    logger,
    phrases: loadPhraseLists(),
    analyze: winkSentences,
    authservId: config.authservId,
    verifyAuth: config.verifyDkim ? mailauthVerifier() : undefined,
    ...overrides,
  };
}
