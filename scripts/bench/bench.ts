/**
 * `npm run bench` (not a test): measures, in one run against a throwaway Dovecot,
 * - backlog throughput of `countersign run --once`, and the floor (imapflow fetch + mailparser parse
 *   of the same messages, nothing else) with their ratio; and the ceiling of that ratio: the same
 *   messages decided by the decision worker alone, one at a time, as the daemon decides them
 *   (`decide_only_per_s`, `ratio_ceiling`: decision-ceiling.ts), and `run --once`'s CPU time per
 *   message over all its threads with the ratio it would reach spread perfectly over the machine's
 *   cores (`cpu_ms_per_message`, `ratio_ceiling_cpu`): two bounds no scheduling can beat;
 * - IDLE latency from APPEND to the outcome's commit (p50/p99) of a running daemon, the appends it
 *   did not handle within 2 s (`idle_missed`), and the floor: a bare imapflow client's IDLE, from
 *   APPEND to its EXISTS, against the same Dovecot in the same run (`idle_floor_p99_ms`);
 * - outbox delivery over one pooled SMTP connection to a loopback smtp-server (`mails_per_s`);
 * - peak RSS of the daemon with the backlog and with a 30 MB message;
 * - `classify` speed over 10,000 typical messages on one core, excluding process start;
 * - the worst case (worst-case.ts): 25 MB hostile bodies, each through `run --once`, with the time to
 *   its decision and the peak RSS of the process.
 * `-- --json` prints one JSON object; `-- --messages N` sets the backlog size (default 5,000);
 * `-- --worst-case-only` runs only the last phase (no Dovecot needed).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { loadPhraseLists } from '../../src/adapters/load-phrases.js';
import { loadConfig } from '../../src/config.js';
import { buildDeliverDeps } from '../../src/daemon/build-deliver.js';
import { deliverOutbox } from '../../src/daemon/deliver-outbox.js';
import { queueMail } from '../../src/db/queue-mail.js';
import { createLogger } from '../../src/logger.js';
import { freePort } from '../../test/helpers/free-port.js';
import { parseMail } from '../../src/adapters/parse-mail.js';
import { detectLanguage } from '../../src/adapters/detect-language.js';
import { decideMessage } from '../../src/daemon/decide-message.js';
import { loadDecisionContext } from '../../src/db/load-decision-context.js';
import { openDb } from '../../src/db/open-db.js';
import { writeDemoRegistry } from '../../src/demo/write-demo-registry.js';
import { importRegistry } from '../../src/registry/import-registry.js';
import { loadRegistry } from '../../src/registry/load-registry.js';
import { startDovecot, type Dovecot } from '../../test/helpers/dovecot.js';
import { benchMessage } from './bench-mail.js';
import { decisionCeilingPhase } from './decision-ceiling.js';
import { worstCasePhase, type WorstCaseResult } from './worst-case.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const n = Number(args[args.indexOf('--messages') + 1] ?? 0) || (args.includes('--messages') ? NaN : 5000);
if (!Number.isInteger(n) || n <= 0) throw new Error('--messages takes a positive whole number');
const worstOnly = args.includes('--worst-case-only');
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = `${ROOT}scripts/countersign.js`;
const AUTHSERV = 'mx.partners.example';
const cores = availableParallelism();
const say = (s: string) => {
  if (!json) process.stderr.write(`${s}\n`);
};

async function client(d: Dovecot): Promise<ImapFlow> {
  const c = new ImapFlow({ host: d.host, port: d.port, secure: false, auth: { user: d.user, pass: d.pass }, logger: false });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

async function append(d: Dovecot, mailbox: string, raws: string[]): Promise<void> {
  const c = await client(d);
  await c.mailboxCreate(mailbox).catch(() => undefined);
  for (const r of raws) await c.append(mailbox, r);
  await c.logout();
}

/** Every child the bench starts, killed in `finally` if still running: none is ever left orphaned. */
const children: ChildProcess[] = [];

/** CPU time of this process's children that have exited and been reaped (cutime + cstime, /proc/self/stat), in ms. */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[13]) + Number(f[14])) * 1000) / 100;
}

/** Runs the real binary, sampling its peak RSS (VmHWM) from /proc while it runs; `cpuMs` is its CPU time, all threads. */
function runBinary(args: string[], env: Record<string, string>): Promise<{ ms: number; cpuMs: number; peakRssMb: number; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const cpu0 = childrenCpuMs();
    const started = performance.now();
    // Started as `npx countersign` starts it: through its #! line, with the node flags it sets.
    const child = spawn(BIN, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    child.stdout.resume();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let peak = 0;
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      } catch {
        /* exited */
      }
    };
    const timer = setInterval(sample, 20);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ ms: performance.now() - started, cpuMs: childrenCpuMs() - cpu0, peakRssMb: Math.round(peak), code, stderr });
    });
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! * 10) / 10;
};

/** A database holding the demo registry, and the environment the binary runs with. */
async function setUp(dir: string): Promise<{ dbPath: string; env: Record<string, string> }> {
  const reg = await writeDemoRegistry(dir);
  const dbPath = path.join(dir, 'bench.sqlite');
  const db = openDb(dbPath);
  const loaded = await loadRegistry(reg.file);
  if (!loaded.ok) throw new Error('demo registry invalid');
  importRegistry(db, loaded.registry, { actor: 'bench' });
  db.$client.close();
  return { dbPath, env: { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '', COUNTERSIGN_DB: dbPath, COUNTERSIGN_AUTHSERV_ID: AUTHSERV, COUNTERSIGN_LOG_LEVEL: 'warn', COUNTERSIGN_FROM: 'apipartners@partners.example' } };
}

async function worstCase(dir: string, env: Record<string, string>): Promise<{ worst_case: WorstCaseResult[]; worst_decision_ms: number | null; worst_peak_rss_mb: number | null }> {
  say('worst case: 25 MB hostile bodies, each delivered to a running daemon…');
  const rows = await worstCasePhase({ bin: BIN, dir, env, authservId: AUTHSERV, say });
  const max = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : Math.max(...(xs as number[])));
  return { worst_case: rows, worst_decision_ms: max(rows.map((r) => r.decision_ms)), worst_peak_rss_mb: max(rows.map((r) => r.peak_rss_mb)) };
}

function printWorstCase(w: Awaited<ReturnType<typeof worstCase>>): string {
  const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
  return [
    'worst case     (targets: decision < 5000 ms, peak RSS < 250 MB)',
    ...w.worst_case.map(
      (r) => `  ${r.case.padEnd(26)} ${String(r.decision_ms ?? '-').padStart(7)} ms  ${String(r.peak_rss_mb ?? '-').padStart(5)} MB  run ${r.run_ms} ms  ${r.outcome ?? r.exit} ${r.reasons.join(',')}  ${ok(r.within_targets)}`,
    ),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  // The binary runs dist/: build it first, so the bench never measures stale code.
  execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', `${ROOT}tsconfig.build.json`], { stdio: 'inherit', cwd: ROOT });
  execFileSync(process.execPath, [`${ROOT}scripts/build-language-model.mjs`], { stdio: 'inherit', cwd: ROOT });
  const dir = await mkdtemp(path.join(tmpdir(), 'cs-bench-'));
  if (worstOnly) {
    try {
      // A separate database: the registry only, nothing else to read.
      const { env } = await setUp(dir);
      const w = await worstCase(dir, env);
      if (json) process.stdout.write(`${JSON.stringify(w)}\n`);
      else process.stdout.write(printWorstCase(w));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return;
  }
  const d = await startDovecot();
  try {
    const { dbPath, env } = await setUp(dir);

    say(`generating and appending ${n} messages (5–50 KB, with HTML parts)…`);
    const raws = Array.from({ length: n }, (_, i) => benchMessage(i));
    const bytes = raws.reduce((a, r) => a + r.length, 0);
    await append(d, 'Backlog', raws);

    say('floor: imapflow fetch + mailparser parse…');
    const c = await client(d);
    await c.mailboxOpen('Backlog', { readOnly: true });
    const t0 = performance.now();
    let parsed = 0;
    for await (const m of c.fetch('1:*', { uid: true, source: true })) {
      await simpleParser(m.source!);
      parsed++;
    }
    const floorMs = performance.now() - t0;
    await c.logout();
    const floor = (parsed / floorMs) * 1000;

    say('ceiling: the same messages decided alone, one at a time, in the decision worker…');
    const ceiling = await decisionCeilingPhase(raws, dbPath, env);

    say('countersign run --once over the backlog…');
    const run = await runBinary(['run', '--once'], { ...env, COUNTERSIGN_IMAP_URL: d.url('Backlog') });
    if (run.code !== 0) throw new Error(`run --once failed: ${run.stderr}`);
    const check = new Database(dbPath, { readonly: true });
    const handled = (check.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
    check.close();
    const throughput = (handled / run.ms) * 1000;

    say('IDLE latency: a running daemon, 60 messages appended one by one…');
    await append(d, 'Live', []);
    const daemon = spawn(BIN, ['run'], { env: { PATH: process.env.PATH ?? '', ...env, COUNTERSIGN_LOG_LEVEL: 'info', COUNTERSIGN_IMAP_URL: d.url('Live'), COUNTERSIGN_POLL_SECONDS: '3600' }, stdio: ['ignore', 'pipe', 'ignore'] });
    // Never left running, whatever fails below.
    children.push(daemon);
    let log = '';
    daemon.stdout.on('data', (x) => (log += x));
    while (!log.includes('waiting for mail')) await new Promise((r) => setTimeout(r, 20));
    const live = await client(d);
    const latencies: number[] = [];
    let idleMissed = 0;
    const db2 = new Database(dbPath, { readonly: true });
    const q = db2.prepare('SELECT received_at FROM messages WHERE message_id = ?');
    for (let i = 0; i < 60; i++) {
      const id = `<idle-${i}-${Date.now()}@riversidefm.example>`;
      await live.append('Live', benchMessage(100_000 + i, id));
      const appended = Date.now();
      let row: { received_at: string } | undefined;
      // A miss is counted, not fatal: it is waited for (the poll would bring it) before the next append.
      const until = appended + 10_000;
      while (!(row = q.get(id) as { received_at: string } | undefined) && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
      const ms = row ? Date.now() - appended : 10_000;
      if (ms > 2_000) idleMissed++;
      latencies.push(ms);
      await new Promise((r) => setTimeout(r, 30));
    }
    db2.close();
    await live.logout();
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.on('exit', r));

    say('IDLE floor: a bare imapflow client, 60 messages appended one by one…');
    await append(d, 'Floor', []);
    // One client that stays in IDLE the whole time (RFC 2177): what any client could do at best.
    const bare = new ImapFlow({ host: d.host, port: d.port, secure: false, auth: { user: d.user, pass: d.pass }, logger: false, disableAutoIdle: true });
    bare.on('error', () => undefined);
    await bare.connect();
    await bare.mailboxOpen('Floor');
    const appender = await client(d);
    const floorLatencies: number[] = [];
    let floorMissed = 0;
    const idling = bare.idle().catch(() => undefined);
    for (let w = 0; w < 1000 && !(bare as unknown as { idling: boolean }).idling; w++) await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 60; i++) {
      const seen = new Promise<number>((resolve) => bare.once('exists', () => resolve(Date.now())));
      await appender.append('Floor', benchMessage(200_000 + i));
      const appended = Date.now();
      const at = await Promise.race([seen, new Promise<number>((r) => setTimeout(() => r(appended + 10_000), 10_000))]);
      floorLatencies.push(Math.max(0, at - appended));
      if (at - appended > 2_000) floorMissed++;
      await new Promise((r) => setTimeout(r, 30));
    }
    await appender.logout();
    await bare.logout();
    await idling;

    say('peak RSS with a 30 MB message…');
    await append(d, 'Big', [benchMessage(0).replace('\r\n\r\n', `\r\n\r\n${'A'.repeat(76)}\r\n`.repeat(1)) + `${'B'.repeat(76)}\r\n`.repeat(400_000)]);
    const big = await runBinary(['run', '--once'], { ...env, COUNTERSIGN_IMAP_URL: d.url('Big') });
    if (big.code !== 0) throw new Error(`run --once (30 MB) failed: ${big.stderr}`);

    say('classify: 10,000 typical messages in-process on one core…');
    const cdb = openDb(dbPath);
    const ctx = loadDecisionContext(cdb, { ownAddresses: [], minConfidence: 0.6 });
    const deps = { phrases: loadPhraseLists(), detectLanguage, authservId: AUTHSERV };
    const sample = Array.from({ length: 200 }, (_, i) => Buffer.from(benchMessage(i)));
    await decideMessage(sample[0]!, await parseMail(sample[0]!), ctx, deps); // warm-up
    const c0 = performance.now();
    for (let i = 0; i < 10_000; i++) {
      const raw = sample[i % sample.length]!;
      await decideMessage(raw, await parseMail(raw), ctx, deps);
    }
    const classifyPerS = 10_000 / ((performance.now() - c0) / 1000);
    cdb.$client.close();

    say('outbox: 500 mails over one pooled SMTP connection to a loopback smtp-server…');
    let received = 0;
    const peer = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, cb) {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          received++;
          cb();
        });
      },
    });
    const smtpPort = await freePort();
    await new Promise<void>((r) => peer.listen(smtpPort, '127.0.0.1', r));
    const odb = openDb(dbPath);
    const MAILS = 500;
    const now = new Date();
    odb.transaction((tx) => {
      // Distinct recipients: the per-recipient hourly limit is not what is measured.
      for (let i = 0; i < MAILS; i++) queueMail(tx, { kind: 'client_fix', from: 'apipartners@partners.example', recipient: `pm${i}@riversidefm.example`, context: { subject: 'Acme Scheduler', explanation: 'bench' }, now });
    });
    const deliverDeps = await buildDeliverDeps(loadConfig({ ...env, COUNTERSIGN_SMTP_URL: `smtp://127.0.0.1:${smtpPort}` }), odb, createLogger({ level: 'silent' }));
    const m0 = performance.now();
    for (let rounds = 0; received < MAILS && rounds < 50; rounds++) await deliverOutbox(deliverDeps);
    const mailsPerS = (received / (performance.now() - m0)) * 1000;
    deliverDeps.transport.close();
    odb.$client.close();
    await new Promise<void>((r) => peer.close(() => r()));

    const worst = await worstCase(dir, env);

    const result = {
      messages: handled,
      mean_message_kb: Math.round(bytes / n / 1024),
      throughput_per_s: Math.round(throughput),
      floor_per_s: Math.round(floor),
      ratio: Math.round((throughput / floor) * 100) / 100,
      ...ceiling,
      ratio_ceiling: Math.round((ceiling.decide_only_per_s / floor) * 100) / 100,
      cpu_ms_per_message: Math.round((run.cpuMs / handled) * 100) / 100,
      ratio_ceiling_cpu: Math.round((throughput / floor) * (run.ms / (run.cpuMs / cores)) * 100) / 100,
      idle_p50_ms: pct(latencies, 50),
      idle_p99_ms: pct(latencies, 99),
      idle_missed: idleMissed,
      idle_floor_p50_ms: pct(floorLatencies, 50),
      idle_floor_p99_ms: pct(floorLatencies, 99),
      idle_floor_missed: floorMissed,
      mails_per_s: Math.round(mailsPerS),
      peak_rss_mb: run.peakRssMb,
      peak_rss_30mb_message_mb: big.peakRssMb,
      classify_per_s: Math.round(classifyPerS),
      ...worst,
    };
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
      process.stdout.write(
        [
          `backlog        ${result.messages} messages, ~${result.mean_message_kb} KB each`,
          `throughput     ${result.throughput_per_s} msg/s (run --once, process start included)`,
          `floor          ${result.floor_per_s} msg/s (imapflow fetch + mailparser parse)`,
          `ratio          ${result.ratio}  (target >= 0.8: ${ok(result.ratio >= 0.8)})`,
          `CPU            ${result.cpu_ms_per_message} ms per message (run --once, all threads); spread perfectly over ${cores} cores, the ratio would be ${result.ratio_ceiling_cpu}`,
          `ceiling        ${result.decide_only_per_s} msg/s (${result.decide_only_warm_per_s} warm): the decision worker alone, one message at a time; over the floor ${result.ratio_ceiling}, the most \`run --once\` can reach`,
          `IDLE latency   p50 ${result.idle_p50_ms} ms, p99 ${result.idle_p99_ms} ms, missed ${result.idle_missed} of 60  (targets: none missed: ${ok(result.idle_missed === 0)}; p99 within 50 ms of the floor: ${ok(result.idle_p99_ms <= result.idle_floor_p99_ms + 50)})`,
          `IDLE floor     p50 ${result.idle_floor_p50_ms} ms, p99 ${result.idle_floor_p99_ms} ms, missed ${result.idle_floor_missed} of 60 (a bare imapflow client: APPEND to EXISTS)`,
          `outbox         ${result.mails_per_s} mails/s over one pooled SMTP connection  (target >= 100: ${ok(result.mails_per_s >= 100)})`,
          `peak RSS       ${result.peak_rss_mb} MB backlog, ${result.peak_rss_30mb_message_mb} MB with a 30 MB message  (target < 250: ${ok(Math.max(result.peak_rss_mb, result.peak_rss_30mb_message_mb) < 250)})`,
          `classify       ${result.classify_per_s} msg/s on one core  (target >= 1000: ${ok(result.classify_per_s >= 1000)})`,
          '',
        ].join('\n') + printWorstCase(worst),
      );
    }
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    d.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
