import { ImapSource } from '../adapters/imap-source.js';
import { MaildirSource } from '../adapters/maildir-source.js';
import { accessTokensFor } from '../adapters/oauth/build-access-tokens.js';
import type { Config } from '../config.js';
import { makeDurable } from '../db/durable.js';
import { markedKeys, prepareMessageStatements } from '../db/message-store.js';
import { currentContext } from './start-decision.js';
import { WARM_UP } from './warm-up-mail.js';
import type { Db } from '../db/open-db.js';
import { pruneRawMessages } from '../db/prune-raw.js';
import { queueDailyDigest } from './daily-digest.js';
import { expireFlags } from '../db/expire-flags.js';
import type { Logger } from '../logger.js';
import { backoffMs, sleep } from './backoff.js';
import { drainMailbox, type DrainProgress } from './drain-mailbox.js';
import type { MailSource } from '../mailbox/mail-port.js';
import type { ProcessorDeps } from './message-processor.js';
import { deliverOutbox, type DeliverDeps } from './deliver-outbox.js';
import { dailyCheckpoint } from './daily-checkpoint.js';
import { waitUnlessOutboxWork } from './release-held.js';
import type { Health, Metrics } from './metrics.js';

export interface RunOptions {
  once: boolean;
  shadow: boolean;
  signal: AbortSignal;
  /** The outbox sender; absent in shadow mode, which never sends. */
  deliver?: DeliverDeps | undefined;
  health?: Health | undefined;
  metrics?: Metrics | undefined;
  /** `--once` on a terminal: the CLI's progress bar. */
  onProgress?: DrainProgress | undefined;
}

async function deliver(opts: RunOptions, log: Logger, config: Config): Promise<void> {
  if (!opts.deliver || opts.shadow) return;
  // Expired flags are recorded before the digest, which lists each of them once.
  expireFlags(opts.deliver.db);
  await queueDailyDigest(opts.deliver, { remindHours: config.flagRemindHours, from: config.from });
  const r = await deliverOutbox(opts.deliver);
  if (r.sent + r.retrying + r.failed + r.held + r.deferred > 0) log.info(r, 'outbox delivered');
  await dailyCheckpoint(opts.deliver, config, log);
}

export function buildSource(config: Config, db: Db, logger: Logger, shadow: boolean): MailSource {
  const beforeMark = () => makeDurable(db);
  if (!config.imap) {
    return new MaildirSource(config.maildir, { move: config.move && !shadow, folders: config.folders, maxMessageBytes: config.maxMessageBytes, beforeMark });
  }
  let marked: Set<string> | null = null;
  const source: ImapSource = new ImapSource(config.imap, {
    move: config.move,
    folders: config.folders,
    maxMessageBytes: config.maxMessageBytes,
    readOnly: shadow,
    idleRestartMs: config.idleRestartSeconds * 1000,
    // Where handled mail stays in the mailbox (moving off), what was finished is skipped.
    isMarked: (key) => !config.move && !shadow && (marked ??= markedKeys(db, source.mailbox)).has(key),
    beforeMark,
    logger: logger.child({ component: 'imap' }),
    tokens: accessTokensFor(config.oauth),
    testPauseBeforeMove: config.testPauseBeforeMove,
  });
  return source;
}

/**
 * Before the daemon says it waits for mail: the worker has loaded and decided a message like the
 * desk's against today's registry (what it builds from the context is built then), and the
 * statements every message runs are prepared. The first real message then costs what the others do.
 * The warm-up's decision is discarded: it counts no attempt and records nothing.
 */
async function warmUp(deps: ProcessorDeps): Promise<void> {
  prepareMessageStatements(deps.db);
  // decide() waits for the worker to be ready (started at runDaemon's top) before it decides.
  await deps.decider?.decide(WARM_UP, currentContext(deps)).catch(() => undefined);
}

/**
 * `countersign run`: drain, deliver, then wait (IDLE or a file watch) until mail arrives or the poll
 * interval passes, which reconciles anything IDLE missed. Any fault reconnects with backoff; the
 * daemon never exits on a transient fault. `--once` drains once and returns; it throws only when the
 * mailbox cannot be reached.
 */
export async function runDaemon(config: Config, deps: ProcessorDeps, opts: RunOptions): Promise<void> {
  // The decision worker warms up while the mailbox connects, so the first message does not wait for it.
  deps.decider?.start?.();
  try {
    await run(config, deps, opts);
  } finally {
    // The decision worker is unref'd and would not hold the process, but it is stopped explicitly.
    await deps.decider?.close();
  }
}

async function run(config: Config, deps: ProcessorDeps, opts: RunOptions): Promise<void> {
  const logger = deps.logger;
  const source = buildSource(config, deps.db, logger, opts.shadow);
  const log = logger.child({ mailbox: source.mailbox, shadow: opts.shadow || undefined });
  if (opts.once) {
    await source.open();
    try {
      const r = await drainMailbox(source, deps, { signal: opts.signal, shadow: opts.shadow, onProgress: opts.onProgress });
      log.info(r, 'mailbox drained');
      if (!opts.shadow) pruneRawMessages(deps.db, config.rawRetentionDays);
    } finally {
      await source.close();
    }
    await deliver(opts, log, config);
    opts.deliver?.transport.close();
    return;
  }
  let attempt = 0;
  let lastPrune = 0;
  while (!opts.signal.aborted) {
    try {
      await source.open();
      opts.health?.up();
      if (attempt > 0) log.info({ attempts: attempt }, 'mailbox reconnected');
      else {
        // Ready means ready to decide: the worker loads its models while the mailbox connects, and the
        // first message to arrive is not the one that waits for it. Never a wait SIGTERM must sit out.
        const waited = new AbortController();
        await Promise.race([warmUp(deps), sleep(60_000, AbortSignal.any([opts.signal, waited.signal]))]);
        waited.abort();
        log.info('mailbox open; waiting for mail');
      }
      attempt = 0;
      while (!opts.signal.aborted) {
        const r = await drainMailbox(source, deps, { signal: opts.signal, shadow: opts.shadow });
        if (r.handled + r.alreadyKnown > 0) log.info(r, 'mailbox drained');
        await deliver(opts, log, config);
        if (!opts.shadow && Date.now() - lastPrune > 86_400_000) {
          pruneRawMessages(deps.db, config.rawRetentionDays);
          lastPrune = Date.now();
        }
        if (opts.signal.aborted) break;
        // Cut short when a CLI command (registry import, outbox release…) gave the sender work.
        await waitUnlessOutboxWork(opts.deliver, opts.signal, (signal) => source.waitForChange(config.pollSeconds * 1000, signal));
      }
    } catch (e) {
      if (opts.signal.aborted) break;
      attempt++;
      opts.health?.down((e as Error).message);
      opts.metrics?.reconnects.inc();
      const wait = backoffMs(attempt);
      log.warn({ err: { message: (e as Error).message, code: (e as { code?: string }).code }, attempt, retryInMs: wait }, 'mailbox unavailable; retrying');
      await source.close().catch(() => undefined);
      await sleep(wait, opts.signal);
    }
  }
  await source.close();
  opts.deliver?.transport.close();
  log.info('stopped');
}
