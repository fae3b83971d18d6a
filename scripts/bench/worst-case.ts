/**
 * The bench's worst-case phase: each hostile body (hostile-bodies.ts) delivered alone to the Maildir
 * of a running `countersign run` (the daemon's processor path, decision worker included). For each:
 * the time the processor spent on it (`ms` of its "message …" log line), the whole run's time, and
 * the process's peak RSS (main thread and decision worker: VmHWM of /proc/self/status, written
 * at exit by a preloaded script). Targets: < 5 s and < 250 MB. A case that fails or hangs is reported
 * and the phase goes on; no child outlives it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HOSTILE_CASES, hostileMessage } from './hostile-bodies.js';

export interface WorstCaseResult {
  case: string;
  bytes: number;
  outcome: string | null;
  reasons: string[];
  /** Time the processor spent on the message (its log line's `ms`): decision in the warm worker, then the record. */
  decision_ms: number | null;
  /** From the rename into new/ to the outcome's log line: watch, read, decision, record. */
  delivered_to_recorded_ms: number | null;
  /** The whole daemon run: process and worker start-up, the message, the stop. */
  run_ms: number;
  peak_rss_mb: number | null;
  exit: string;
  within_targets: boolean;
}

const CASE_LIMIT_MS = 180_000;
// VmHWM, not `process.resourceUsage().maxRSS`: Linux carries a process's maxrss over fork and exec
// (getrusage(2)), so maxRSS reported the bench's own RSS at spawn time whenever that was higher: 232
// and 252 MB for a 100 KB message in two runs, whose own peak was under 180 MB. VmHWM belongs to the
// address space that exec creates, the daemon's alone.
const PRELOAD = `if (require('node:worker_threads').isMainThread) process.on('exit', () => require('node:fs').writeSync(2, 'BENCH_MAXRSS_KB ' + /VmHWM:\\s+(\\d+) kB/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1] + '\\n'));\n`;

/**
 * Starts the daemon over an empty Maildir, waits until its decision worker is warm and the mailbox
 * watched, delivers the message (tmp/ then rename into new/, as an MTA does), waits for its outcome,
 * then stops it with SIGTERM. The decision is thus timed as in a running daemon, without process or
 * worker start-up. Killed (and so its worker) if it outlives the limit or anything here fails.
 */
async function runOne(bin: string, env: Record<string, string>, maildir: string, name: string, raw: Buffer): Promise<{ ms: number; exit: string; stdout: string; maxRssKb: number | null; wallMs: number | null }> {
  const started = performance.now();
  let child: ChildProcess | null = null;
  try {
    return await new Promise((resolve, reject) => {
      // Through the binary's #! line, as `npx countersign run` starts it.
      const c = spawn(bin, ['run'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      let stdout = '';
      let stderr = '';
      let delivered: number | null = null;
      let wallMs: number | null = null;
      c.stdout!.on('data', (d) => {
        stdout += d;
        if (delivered === null && stdout.includes('decision worker ready') && stdout.includes('waiting for mail')) {
          delivered = performance.now();
          writeFileSync(path.join(maildir, 'tmp', name), raw);
          renameSync(path.join(maildir, 'tmp', name), path.join(maildir, 'new', name));
        }
        if (delivered !== null && wallMs === null && handledLine(stdout)) {
          wallMs = performance.now() - delivered;
          c.kill('SIGTERM');
        }
      });
      c.stderr!.on('data', (d) => (stderr += d));
      const limit = setTimeout(() => c.kill('SIGKILL'), CASE_LIMIT_MS);
      c.on('error', reject);
      c.on('close', (code, signal) => {
        clearTimeout(limit);
        const rss = /BENCH_MAXRSS_KB (\d+)/.exec(stderr);
        resolve({ ms: performance.now() - started, exit: signal ? `signal ${signal}` : `code ${code}`, stdout, maxRssKb: rss ? Number(rss[1]) : null, wallMs });
      });
    });
  } finally {
    const c = child as ChildProcess | null;
    if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}

/** The processor's log line for the message: `message applied|flagged|…` with its reasons and `ms`. */
function handledLine(stdout: string): { outcome: string; reasons: string[]; ms: number } | null {
  for (const line of stdout.split('\n')) {
    try {
      const j = JSON.parse(line) as { msg?: string; outcome?: string; reasons?: string[]; ms?: number };
      if (j.msg?.startsWith('message ') && j.outcome && typeof j.ms === 'number') return { outcome: j.outcome, reasons: j.reasons ?? [], ms: j.ms };
    } catch {
      /* not JSON */
    }
  }
  return null;
}

export async function worstCasePhase(opts: { bin: string; dir: string; env: Record<string, string>; authservId: string; say: (s: string) => void }): Promise<WorstCaseResult[]> {
  const preload = path.join(opts.dir, 'bench-maxrss.cjs');
  writeFileSync(preload, PRELOAD);
  const nodeOptions = `${opts.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim();
  const results: WorstCaseResult[] = [];
  let i = 0;
  for (const c of HOSTILE_CASES) {
    const maildir = path.join(opts.dir, `worst-${c.name}`);
    const started = performance.now();
    try {
      for (const s of ['new', 'cur', 'tmp']) mkdirSync(path.join(maildir, s), { recursive: true });
      const raw = hostileMessage(c, i++, opts.authservId);
      opts.say(`  ${c.name} (${(raw.length / 1e6).toFixed(1)} MB)…`);
      const r = await runOne(opts.bin, { ...opts.env, NODE_OPTIONS: nodeOptions, COUNTERSIGN_MAILDIR: maildir, COUNTERSIGN_LOG_LEVEL: 'info', COUNTERSIGN_POLL_SECONDS: '1' }, maildir, `1700000000.${c.name}.bench`, raw);
      const h = handledLine(r.stdout);
      const peak = r.maxRssKb === null ? null : Math.round(r.maxRssKb / 1024);
      results.push({
        case: c.name,
        bytes: raw.length,
        outcome: h?.outcome ?? null,
        reasons: h?.reasons ?? [],
        decision_ms: h?.ms ?? null,
        delivered_to_recorded_ms: r.wallMs === null ? null : Math.round(r.wallMs),
        run_ms: Math.round(r.ms),
        peak_rss_mb: peak,
        exit: r.exit,
        within_targets: h !== null && h.ms < 5000 && peak !== null && peak < 250,
      });
    } catch (e) {
      results.push({ case: c.name, bytes: 0, outcome: null, reasons: [], decision_ms: null, delivered_to_recorded_ms: null, run_ms: Math.round(performance.now() - started), peak_rss_mb: null, exit: `bench error: ${(e as Error).message}`, within_targets: false });
    } finally {
      rmSync(maildir, { recursive: true, force: true });
    }
  }
  return results;
}
