import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { PARSE_LIMIT_BYTES } from '../adapters/parse-limits.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { DecisionContext } from '../core/decide.js';
import { PACKAGE_ROOT } from '../paths.js';
import type { Decider, DecisionOutcome, MailFacts } from './decide-message.js';

/** What the worker is started with: what it needs to build its own decision dependencies. */
export interface WorkerInit {
  authservId: string | null;
  verifyDkim: boolean;
  /** Test seams (see decision-worker-entry.ts); null in production. */
  testCrashAt: Config['testCrashAt'];
  testSlowDecisionMs: number | null;
}

/** `raw` is the part of the message that is parsed (all of it when DKIM is verified here); `size` the whole. */
export type ToWorker = { type: 'context'; ctx: DecisionContext } | { type: 'decide'; id: number; raw: Uint8Array; size: number };
export type FromWorker = { type: 'ready' } | { type: 'parsed'; id: number; mail: MailFacts } | { type: 'result'; id: number; outcome: DecisionOutcome };

/**
 * How long a new worker may take to load and warm up (modules, phrase lists, language models) before
 * it counts as crashed. Not part of a message's timeout: on a busy machine a cold start alone can take
 * seconds, and it is no fault of the message.
 */
const STARTUP_MS = 60_000;

interface Running {
  w: Worker;
  /** Settles when the worker has warmed up: null, or why it could not start. */
  ready: Promise<string | null>;
}

export interface DecisionWorkerOptions {
  init: WorkerInit;
  /** Wall-clock bound on parsing and deciding one message; beyond it the worker is terminated. */
  timeoutMs: number;
  /** V8 old-generation cap of the worker: a message that needs more kills only the worker. */
  memoryMb: number;
  logger?: Logger | undefined;
}

/**
 * Where the compiled worker entry is. From `dist/` (the CLI and daemon) it is the sibling file. Under
 * vitest or the bench, this module runs from TypeScript sources or another build folder where no
 * compiled sibling exists; the worker then runs the package's `dist/` build, which the test global
 * setup (and the bench) build first. A worker cannot load `.ts` without a loader, and a loader
 * (tsx) is not a dependency.
 */
export function workerEntry(): URL {
  const sibling = new URL('./decision-worker-entry.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  const built = path.join(PACKAGE_ROOT, 'dist', 'daemon', 'decision-worker-entry.js');
  if (!existsSync(built)) throw new Error(`countersign: the decision worker is not built (${built}); run \`npm run build\``);
  return pathToFileURL(built);
}

/** parseMail drops an mbox "From " line before it counts its limit: room for one. */
const MBOX_LINE_ALLOWANCE = 4096;

/**
 * The worker's semi-spaces, in MB. The binary starts node with `--max-semi-space-size=2`
 * (scripts/countersign.js), which keeps the main thread small, but V8's flag is process-wide: the
 * worker got a 4 MB young generation whatever `resourceLimits` asked, so each decision's short-lived
 * garbage was scavenged every other message and much of it promoted, feeding full collections of a
 * heap that is mostly the language model. Set again just before a worker starts, the flag applies to
 * that worker's new heap only (the main thread's is configured once, at start). Measured, deciding
 * the bench's mail back to back in a worker (3 x 1,000 messages, warm, alternating runs): 1.75-1.88 ms
 * and 2.04-2.23 ms of whole-process CPU per message at 2 MB; 1.63-1.70 ms and 1.94-2.02 ms at 8 MB;
 * 4 MB in between. It costs the daemon 12 MB of young generation.
 */
const WORKER_SEMI_SPACE_MB = 8;

const describeExit = (code: number) => `the decision worker exited with code ${code}`;

/**
 * Parses and decides messages in one long-lived worker thread, so that no message can stop the
 * daemon: the main thread stays free (SIGTERM, /healthz, IMAP keep-alive) while a message is decided;
 * a decision that runs past `timeoutMs` is stopped by terminating the worker (V8 interrupts even a
 * runaway regular expression); one that exhausts the worker's heap kills only the worker. Either way
 * the outcome is returned as a named reason and the next message gets a fresh worker.
 *
 * One message at a time: calls are queued. The decision context is sent only when it changes (the
 * cache hands out the same snapshot object until the database changes) and again to a new worker.
 */
export class DecisionWorker implements Decider {
  private worker: Running | null = null;
  private sentCtx: DecisionContext | null = null;
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** How many workers were started (1 + restarts): for logs and tests. */
  started = 0;

  constructor(private readonly opts: DecisionWorkerOptions) {}

  decide(raw: Buffer, ctx: DecisionContext, signal?: AbortSignal): Promise<DecisionOutcome> {
    const run = this.queue.then(() => this.run(raw, ctx, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Starts the worker ahead of the first message (the daemon at start-up), so that one does not wait. */
  start(): void {
    this.worker ??= this.spawn();
  }

  async close(): Promise<void> {
    await this.queue;
    await this.discard();
  }

  private spawn(): Running {
    setFlagsFromString(`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`);
    const w = new Worker(workerEntry(), {
      workerData: this.opts.init,
      // Young generation: see WORKER_SEMI_SPACE_MB.
      resourceLimits: { maxOldGenerationSizeMb: this.opts.memoryMb, maxYoungGenerationSizeMb: 16 },
      // The worker's own output would interleave with the daemon's JSON log lines.
      stdout: true,
      stderr: true,
    });
    w.stdout.resume();
    w.stderr.resume();
    // Idle, the worker must not keep the process alive (`run --once`, `classify` end when done).
    w.unref();
    const t0 = performance.now();
    const ready = new Promise<string | null>((resolve) => {
      let settled = false;
      const settle = (problem: string | null) => {
        // Only the first word counts: the worker's exit when it is stopped later is not a failed start.
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        w.off('message', onReady);
        if (problem === null) this.opts.logger?.info({ ms: Math.round(performance.now() - t0), restarts: this.started - 1 }, 'decision worker ready');
        else this.opts.logger?.error({ problem }, 'the decision worker could not start');
        resolve(problem);
      };
      const onReady = (m: FromWorker) => {
        if (m.type === 'ready') settle(null);
      };
      const timer = setTimeout(() => settle(`it did not start within ${STARTUP_MS} ms`), STARTUP_MS);
      timer.unref();
      w.on('message', onReady);
      w.once('error', (e) => settle(`${(e as { code?: string }).code ?? e.name}: ${e.message}`.slice(0, 200)));
      w.once('exit', (code) => settle(describeExit(code)));
    });
    const running: Running = { w, ready };
    // A worker that dies while idle is replaced at the next message.
    w.on('exit', () => {
      if (this.worker === running) {
        this.worker = null;
        this.sentCtx = null;
      }
    });
    w.on('error', () => undefined);
    this.started++;
    return running;
  }

  private async discard(): Promise<void> {
    const running = this.worker;
    this.worker = null;
    this.sentCtx = null;
    if (running) await running.w.terminate().catch(() => undefined);
  }

  private async run(raw: Buffer, ctx: DecisionContext, signal?: AbortSignal): Promise<DecisionOutcome> {
    if (signal?.aborted) return { kind: 'abandoned' };
    const running = (this.worker ??= this.spawn());
    // While a message waits for its decision, the worker keeps the process alive.
    running.w.ref();
    try {
      let onAbort = () => undefined as void;
      const aborted = new Promise<'aborted'>((resolve) => signal?.addEventListener('abort', (onAbort = () => resolve('aborted')), { once: true }));
      const problem = await Promise.race([running.ready, aborted]);
      signal?.removeEventListener('abort', onAbort);
      if (problem !== null) {
        await this.discard();
        return problem === 'aborted' ? { kind: 'abandoned' } : { kind: 'failed', mail: null, reason: { code: 'decision_crashed', detail: `the decision worker could not start: ${problem}` } };
      }
      return await this.decideIn(running.w, raw, ctx, signal);
    } finally {
      running.w.unref();
    }
  }

  private decideIn(w: Worker, raw: Buffer, ctx: DecisionContext, signal?: AbortSignal): Promise<DecisionOutcome> {
    if (this.sentCtx !== ctx) {
      w.postMessage({ type: 'context', ctx } satisfies ToWorker);
      this.sentCtx = ctx;
    }
    const id = ++this.seq;
    return new Promise<DecisionOutcome>((resolve) => {
      let parsed: MailFacts | null = null;
      let done = false;
      const finish = (outcome: DecisionOutcome, kill: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
        // Resolve only once a killed worker is gone, so its memory is freed before the next message.
        if (kill) void this.discard().then(() => resolve(outcome));
        else resolve(outcome);
      };
      const onMessage = (m: FromWorker) => {
        if (m.type === 'ready' || m.id !== id) return;
        if (m.type === 'parsed') parsed = m.mail;
        else finish(m.outcome, false);
      };
      const onError = (e: Error) => {
        const code = (e as { code?: string }).code;
        const detail = code === 'ERR_WORKER_OUT_OF_MEMORY' ? `out of memory (heap cap ${this.opts.memoryMb} MB)` : `${code ?? e.name}: ${e.message}`.slice(0, 200);
        finish({ kind: 'failed', mail: parsed, reason: { code: 'decision_crashed', detail } }, true);
      };
      const onExit = (code: number) => finish({ kind: 'failed', mail: parsed, reason: { code: 'decision_crashed', detail: describeExit(code) } }, true);
      const onAbort = () => finish({ kind: 'abandoned' }, true);
      const timer = setTimeout(() => finish({ kind: 'failed', mail: parsed, reason: { code: 'decision_timeout', ms: this.opts.timeoutMs } }, true), this.opts.timeoutMs);
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      // A copy handed over (transferred, not cloned again): the source's buffer stays the evidence
      // recorded with the outcome. Only what is parsed is copied: a 25 MB message costs the worker
      // 4 MB, not 25. In-process DKIM verification hashes the whole body, so it gets all of it.
      const copy = new Uint8Array(this.opts.init.verifyDkim ? raw : raw.subarray(0, PARSE_LIMIT_BYTES + MBOX_LINE_ALLOWANCE));
      w.postMessage({ type: 'decide', id, raw: copy, size: raw.length } satisfies ToWorker, [copy.buffer]);
    });
  }
}
