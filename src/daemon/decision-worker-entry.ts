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
import { decideInProcess, mailFacts, type DecisionOutcome } from './decide-message.js';
import type { FromWorker, ToWorker, WorkerInit } from './decision-worker.js';

const init = workerData as WorkerInit;
const port = parentPort!;
let ctx: DecisionContext | null = null;

/**
 * A message decided at start-up, shaped like the mail the desk gets (text and HTML, a reply above a
 * quoted thread, a signature and a notice), so that lazily loaded parts (models, lists) are loaded and
 * the code every message runs through is compiled then, not while the first real message waits.
 */
const WARM_UP_TEXT = 'Hello,\r\n\r\nWe approve Warm Up App for our production environment.\r\n\r\nBest regards\r\nPat\r\n\r\nCONFIDENTIALITY NOTICE: this e-mail is for the intended recipient only.\r\n\r\nOn Fri, Nov 20, 2026 at 4:12 PM Partners <partners@countersign.invalid> wrote:\r\n> Please reply with your approval.\r\n';
const WARM_UP = Buffer.from(
  [
    'From: Warm Up <warm-up@countersign.invalid>',
    'To: partners@countersign.invalid',
    'Subject: RE: warm-up',
    'Message-ID: <warm-up@countersign.invalid>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="w"',
    '',
    '--w',
    'Content-Type: text/plain; charset=utf-8',
    '',
    WARM_UP_TEXT,
    '--w',
    'Content-Type: text/html; charset=utf-8',
    '',
    `<html><body><div dir="ltr"><p>Hello,</p><p>We approve Warm Up App for our production environment.</p><p style="font-size:8pt">CONFIDENTIALITY NOTICE: this e-mail is for the intended recipient only.</p></div><div class="gmail_quote"><blockquote>Please reply with your approval.<br></blockquote></div></body></html>`,
    '--w--',
    '',
  ].join('\r\n'),
);
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
