/**
 * The decision worker thread (started by DecisionWorker, decision-worker.ts): parses and decides the
 * messages it is sent, one at a time, with the decision context it was last sent. Everything it
 * returns is plain data; an exception in the decision is returned as `processing_error`. What it
 * cannot return (a runaway decision, an exhausted heap) is the main thread's to handle.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DecisionContext } from '../core/decide.js';
import { header, type InboundMail } from '../core/inbound-mail.js';
import { buildDecideDeps } from './build-processor.js';
import { WARM_UP } from './warm-up-mail.js';
import { decideInProcess, mailFacts, type DecisionOutcome } from './decide-message.js';
import type { FromWorker, ToWorker, WorkerInit } from './decision-worker.js';

const init = workerData as WorkerInit;
const port = parentPort!;
let ctx: DecisionContext | null = null;

const EMPTY: DecisionContext = { clients: [], staff: [], apps: [], integrations: [], ownAddresses: [], minConfidence: 1 };
const deps = buildDecideDeps(init).then(async (d) => {
  await decideInProcess(WARM_UP, EMPTY, d);
  return d;
});

/**
 * Test seams, honoured only here and only for a message carrying `X-Countersign-Test-Hostile`, so a
 * test can put one hostile message among ordinary ones (both variables are test-only, never set in
 * production): `COUNTERSIGN_TEST_CRASH_AT=during_decision` kills the whole process mid-decision (as a
 * native crash or the kernel's OOM killer would), `=decision_oom` fills the worker's heap to its cap;
 * `COUNTERSIGN_TEST_SLOW_DECISION_MS` keeps the thread busy that long, as a runaway regex does.
 */
function testSeams(mail: InboundMail): void {
  if (header(mail, 'x-countersign-test-hostile').length === 0) return;
  if (init.testCrashAt === 'during_decision') process.kill(process.pid, 'SIGKILL');
  if (init.testCrashAt === 'decision_oom') {
    const hog: number[][] = [];
    for (;;) hog.push(new Array(1 << 20).fill(hog.length));
  }
  if (init.testSlowDecisionMs !== null) {
    const until = Date.now() + init.testSlowDecisionMs;
    while (Date.now() < until) {
      /* busy, like a regex backtracking */
    }
  }
}

const send = (m: FromWorker) => port.postMessage(m);

void deps.then(() => send({ type: 'ready' }));

port.on('message', async (m: ToWorker) => {
  if (m.type === 'context') {
    ctx = m.ctx;
    return;
  }
  let outcome: DecisionOutcome;
  if (!ctx) outcome = { kind: 'failed', mail: null, reason: { code: 'processing_error', detail: 'the decision worker has no decision context' } };
  else {
    const raw = Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength);
    outcome = await decideInProcess(raw, ctx, await deps, (mail) => {
      send({ type: 'parsed', id: m.id, mail: mailFacts(mail) });
      testSeams(mail);
    }, m.size);
  }
  try {
    send({ type: 'result', id: m.id, outcome });
  } catch (e) {
    // A decision that cannot cross to the main thread (not structured-clone safe) is a bug, not a verdict.
    send({ type: 'result', id: m.id, outcome: { kind: 'failed', mail: null, reason: { code: 'processing_error', detail: `result not transferable: ${(e as Error).message}`.slice(0, 200) } } });
  }
});
