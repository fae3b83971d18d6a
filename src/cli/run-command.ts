import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { CliError } from './output.js';
import { parseSince } from './parse-since.js';

export function registerRunCommand(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('the daemon: watch the mailbox (IMAP IDLE, or the local Maildir), decide each message, record it, file it')
    .option('--once', 'handle everything pending, then exit (0 unless the mailbox cannot be reached)')
    .option('--shadow', 'read the mailbox read-only and only record what would have been decided (see `shadow report`)')
    .option('--since <date>', 'mail dated before this (ISO 8601) is recorded ignored (before_start) without notifying anyone: a first run on a mailbox with history (also COUNTERSIGN_SINCE)')
    .action(async (opts: { once?: boolean; shadow?: boolean; since?: string }) => {
      const config = opts.since ? { ...ctx.config, since: parseSince(opts.since) } : ctx.config;
      const { createLogger } = await import('../logger.js');
      const logger = createLogger({ level: config.logLevel, pretty: config.logPretty, fd: 1 }).child({ component: 'daemon' });
      // Shadow mode only reads and writes its own table; a real run must be the only one on this database.
      const { acquireInstanceLock } = await import('../daemon/instance-lock.js');
      const lock = opts.shadow ? null : await acquireInstanceLock(config.dbPath);
      if (lock && 'heldBy' in lock) {
        throw new CliError(`another \`countersign run\` is already using ${config.dbPath}; stop it first (only one daemon may run per database)`);
      }
      const controller = new AbortController();
      const stop = (sig: string) => {
        if (!controller.signal.aborted) logger.info({ signal: sig }, 'stopping: finishing the message in hand');
        controller.abort();
        // Bounded stop: the message in hand and the connections get this long, then the process ends.
        setTimeout(() => process.exit(1), 25_000).unref();
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      // Loaded here, not at start-up, so other commands do not pay for the mail stack's memory.
      const { buildProcessorDeps } = await import('../daemon/build-processor.js');
      const { runDaemon } = await import('../daemon/run-daemon.js');
      const shadow = opts.shadow === true;
      let observe: { health: import('../daemon/metrics.js').Health; metrics: import('../daemon/metrics.js').Metrics; server: import('node:http').Server } | null = null;
      if (config.httpPort !== null) {
        const { Health, Metrics } = await import('../daemon/metrics.js');
        const { startHttpServer } = await import('../daemon/http-server.js');
        const health = new Health();
        const metrics = new Metrics(ctx.db);
        const server = await startHttpServer({ port: config.httpPort, bind: config.httpBind, db: ctx.db, health, metrics });
        observe = { health, metrics, server };
        logger.info({ port: config.httpPort, bind: config.httpBind }, 'serving /healthz and /metrics');
      }
      const deps = await buildProcessorDeps(config, ctx.db, logger, { metrics: observe?.metrics });
      const deliver = shadow ? undefined : await (await import('../daemon/build-deliver.js')).buildDeliverDeps(config, ctx.db, logger);
      if (deliver) {
        deliver.metrics = observe?.metrics;
        deliver.health = observe?.health;
      }
      // Only `--once` on a terminal shows a bar (stderr); otherwise the output is exactly the JSON logs.
      const progress = opts.once ? (await import('./progress-bar.js')).terminalProgressBar() : null;
      try {
        await runDaemon(config, deps, { once: opts.once === true, shadow, signal: controller.signal, deliver, health: observe?.health, metrics: observe?.metrics, onProgress: progress ? (d, t) => progress.update(d, t) : undefined });
      } catch (e) {
        throw new CliError(`the mailbox cannot be reached: ${(e as Error).message}`);
      } finally {
        progress?.stop();
        if (lock && 'release' in lock) lock.release();
        observe?.server.close();
      }
    });
}
