import { fileTransport, smtpTransport } from '../adapters/mail-transport.js';
import { accessTokensFor } from '../adapters/oauth/build-access-tokens.js';
import { readSigningKey } from '../adapters/read-signing-key.js';
import { Templates } from '../adapters/templates.js';
import type { Config } from '../config.js';
import type { Db } from '../db/open-db.js';
import type { Logger } from '../logger.js';
import type { DeliverDeps } from './deliver-outbox.js';

/**
 * The sender's dependencies. Templates and the signing key are checked here, at start-up: a template
 * with an unknown variable or a key that does not open with its passphrase stops the daemon with the
 * reason, instead of failing on the first approval.
 */
export async function buildDeliverDeps(config: Config, db: Db, logger: Logger): Promise<DeliverDeps> {
  const templates = new Templates(undefined, config.templatesDir);
  let signingKey = null;
  if (config.signingKeyFile) {
    signingKey = await readSigningKey(config.signingKeyFile, config.signingKeyPassphrase);
  } else {
    logger.warn('no COUNTERSIGN_SIGNING_KEY: mails with identifiers will be held until one is configured');
  }
  return {
    db,
    transport: config.smtpUrl ? smtpTransport(config.smtpUrl, accessTokensFor(config.oauth)) : fileTransport(config.outboxDir),
    templates,
    signingKey,
    from: config.from,
    bounceAddress: config.bounceAddress,
    verp: config.verp,
    teamName: config.teamName,
    maxPerRecipientHour: config.maxMailsPerRecipientHour,
    flagTtlDays: config.flagTtlDays,
    logger: logger.child({ component: 'outbox' }),
    crashAfterSend: config.testCrashAt === 'after_send',
  };
}
