import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildDecider } from '../../src/daemon/build-processor.js';
import type { DecisionContext } from '../../src/core/decide.js';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { freePort } from '../helpers/free-port.js';
import { appendAll, folderContents, imapClient } from '../helpers/imap-client.js';
import { makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeProject, type Project } from '../helpers/project.js';
import { BIN, runCountersign } from '../helpers/run-cli.js';

/**
 * A message can never stop the daemon. The hostile message is made so by the test seams of the
 * decision worker (COUNTERSIGN_TEST_SLOW_DECISION_MS, COUNTERSIGN_TEST_CRASH_AT=during_decision),
 * which act only on a message carrying X-Countersign-Test-Hostile: the lead engineer is making the
 * real hostile inputs fast, and these tests must keep proving the daemon's bounds whatever the core does.
 */
const HOSTILE = { 'X-Countersign-Test-Hostile': 'yes' };

function deliver(p: Project, name: string, raw: string): void {
  const md = p.env.COUNTERSIGN_MAILDIR!;
  for (const s of ['new', 'cur', 'tmp']) mkdirSync(path.join(md, s), { recursive: true });
  writeFileSync(path.join(md, 'new', name), raw);
}
const list = (p: Project, rel: string) => {
  const d = path.join(p.env.COUNTERSIGN_MAILDIR!, rel);
  return existsSync(d) ? readdirSync(d).sort() : [];
};
const outcomes = (p: Project) =>
  p.query<{ message_id: string; outcome: string; reasons: string; from_address: string | null }>('SELECT message_id, outcome, reasons, from_address FROM messages ORDER BY id').map((r) => ({
    messageId: r.message_id,
    outcome: r.outcome,
    reasons: JSON.parse(r.reasons) as unknown[],
    from: r.from_address,
  }));

async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await Promise.resolve()
      .then(fn)
      .catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a message can never stop the daemon (Maildir, the real CLI)', () => {
  it('a decision that runs past the timeout is recorded failed with decision_timeout, filed for staff, and the next message is still handled', async () => {
    const p = await makeProject({ COUNTERSIGN_DECISION_TIMEOUT_MS: '2000', COUNTERSIGN_TEST_SLOW_DECISION_MS: '120000' });
    deliver(p, '1700000001.slow.host', makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<slow-1@riversidefm.org>', headers: HOSTILE }));
    deliver(p, '1700000002.next.host', makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<next-1@riversidefm.org>' }));
    const t0 = Date.now();
    const r = await runCountersign(['run', '--once'], p.env);
    const ms = Date.now() - t0;
    expect(r.code, r.stderr).toBe(0);
    // Bounded by the timeout, not by the two minutes the decision would have taken (the rest is
    // process and worker start-up, which the timeout does not count: seconds on a busy machine).
    expect(ms).toBeLessThan(60_000);
    expect(outcomes(p)).toEqual([
      // Parsed before it timed out: staff see who sent it.
      { messageId: '<slow-1@riversidefm.org>', outcome: 'failed', reasons: [{ code: 'decision_timeout', ms: 2000 }], from: 'pm@riversidefm.org' },
      { messageId: '<next-1@riversidefm.org>', outcome: 'applied', reasons: [], from: 'pm@riversidefm.org' },
    ]);
    expect(list(p, '.Countersign.Flagged/cur')).toEqual(['1700000001.slow.host:2,S']);
    expect(list(p, '.Countersign.Processed/cur')).toEqual(['1700000002.next.host:2,S']);
    const flags = p.query<{ reasons: string }>('SELECT reasons FROM flags WHERE kind = ?', 'message');
    expect(flags.map((f) => JSON.parse(f.reasons))).toEqual([[{ code: 'decision_timeout', ms: 2000 }]]);
    expect(p.query('SELECT COUNT(*) AS n FROM message_attempts')).toEqual([{ n: 0 }]);
  }, 120_000);

  it('a message that kills the whole process mid-decision is decided three times at most, then recorded failed with decision_attempts_exhausted; the others are handled', async () => {
    const p = await makeProject({ COUNTERSIGN_TEST_CRASH_AT: 'during_decision' });
    deliver(p, '1700000001.a.host', makeMail({ from: 'pm@riversidefm.org', subject: 'Out of office', headers: { 'Auto-Submitted': 'auto-replied' }, body: 'I am out of the office.', messageId: '<a@riversidefm.org>' }));
    deliver(p, '1700000002.b.host', makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<b@riversidefm.org>', headers: HOSTILE }));
    deliver(p, '1700000003.c.host', makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<c@riversidefm.org>' }));
    for (let start = 1; start <= 3; start++) {
      const r = await runCountersign(['run', '--once'], p.env);
      // Killed by SIGKILL (no exit code), as a native crash or the OOM killer would.
      expect(r.code, r.stderr).toBeNull();
      expect(p.query('SELECT key, attempts FROM message_attempts')).toEqual([{ key: '1700000002.b.host', attempts: start }]);
    }
    expect(outcomes(p).map((o) => o.messageId)).toEqual(['<a@riversidefm.org>']);
    const r = await runCountersign(['run', '--once'], p.env);
    expect(r.code, r.stderr).toBe(0);
    expect(outcomes(p)).toEqual([
      { messageId: '<a@riversidefm.org>', outcome: 'ignored', reasons: expect.arrayContaining([{ code: 'auto_submitted', value: 'auto-replied' }]), from: 'pm@riversidefm.org' },
      // Not parsed again: nothing of it is known but its bytes, kept as evidence.
      { messageId: null, outcome: 'failed', reasons: [{ code: 'decision_attempts_exhausted', attempts: 3 }], from: null },
      { messageId: '<c@riversidefm.org>', outcome: 'applied', reasons: [], from: 'pm@riversidefm.org' },
    ]);
    expect(list(p, 'new')).toEqual([]);
    expect(list(p, '.Countersign.Ignored/cur')).toEqual(['1700000001.a.host:2,S']);
    expect(list(p, '.Countersign.Flagged/cur')).toEqual(['1700000002.b.host:2,S']);
    expect(list(p, '.Countersign.Processed/cur')).toEqual(['1700000003.c.host:2,S']);
    expect(p.query('SELECT COUNT(*) AS n FROM message_attempts')).toEqual([{ n: 0 }]);
    expect(p.query<{ n: number }>('SELECT COUNT(*) AS n FROM raw_messages')[0]!.n).toBe(3);
  }, 240_000);

  it('while a message is being decided, /healthz answers and SIGTERM stops the daemon at once; the message is decided afresh on the next start', async () => {
    const port = await freePort();
    const p = await makeProject({ COUNTERSIGN_HTTP_PORT: String(port), COUNTERSIGN_DECISION_TIMEOUT_MS: '120000', COUNTERSIGN_TEST_SLOW_DECISION_MS: '120000' });
    deliver(p, '1700000001.busy.host', makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<busy@riversidefm.org>', headers: HOSTILE }));
    const child = spawn(process.execPath, [BIN, 'run'], { env: { PATH: process.env.PATH ?? '', ...p.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
    try {
      // The worker warms up at start; the attempt is counted just before the message is handed to it.
      await until('the decision worker to start', () => log.includes('decision worker ready'), 60_000);
      await until('the decision to start', () => p.query<{ attempts: number }>('SELECT attempts FROM message_attempts')[0]?.attempts === 1);
      await new Promise((r) => setTimeout(r, 1000));
      const t0 = Date.now();
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) });
      const healthMs = Date.now() - t0;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
      expect(healthMs).toBeLessThan(1000);
      const killedAt = Date.now();
      child.kill('SIGTERM');
      const { code, at } = await exited;
      expect(code, log).toBe(0);
      // Far within the 25 s bound of a stop: the decision in hand is abandoned, not waited for.
      expect(at - killedAt).toBeLessThan(5000);
    } finally {
      child.kill('SIGKILL');
    }
    // Nothing recorded, the attempt taken back (stopping is not the message's fault), the mail left in new/.
    expect(p.query('SELECT COUNT(*) AS n FROM messages')).toEqual([{ n: 0 }]);
    expect(p.query('SELECT attempts FROM message_attempts')).toEqual([{ attempts: 0 }]);
    expect(list(p, 'new')).toEqual(['1700000001.busy.host']);
    const env = { ...p.env, COUNTERSIGN_TEST_SLOW_DECISION_MS: '' };
    expect((await runCountersign(['run', '--once'], env)).code).toBe(0);
    expect(outcomes(p)).toEqual([{ messageId: '<busy@riversidefm.org>', outcome: 'applied', reasons: [], from: 'pm@riversidefm.org' }]);
  }, 120_000);

  it('classify takes the same bounded path: a hostile file returns within the timeout with its reason, the others are decided', async () => {
    const p = await makeProject({ COUNTERSIGN_DECISION_TIMEOUT_MS: '2000', COUNTERSIGN_TEST_SLOW_DECISION_MS: '120000' });
    const hostile = path.join(p.dir, 'hostile.eml');
    const plain = path.join(p.dir, 'plain.eml');
    writeFileSync(hostile, makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, headers: HOSTILE }));
    writeFileSync(plain, makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL }));
    const t0 = Date.now();
    const r = await runCountersign(['classify', '--json', hostile, plain], p.env);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({ file: hostile, decision: 'flag', reasons: ['decision_timeout'] }),
      expect.objectContaining({ file: plain, decision: 'apply', intent: 'production_approval', reasons: [] }),
    ]);
    const text = await runCountersign(['classify', hostile], p.env);
    expect(text.stdout).toContain(`${hostile}: FLAG other`);
    expect(text.stderr).toContain('Deciding the message took longer than 2000 ms and was stopped');
  }, 120_000);
});

describe('the decision worker', () => {
  const ctx: DecisionContext = { clients: [], staff: [], apps: [], integrations: [], ownAddresses: [], minConfidence: 0.6 };

  it('a message that exhausts the worker heap kills only the worker: decision_crashed, and the next message gets a fresh worker', async () => {
    // The seam fills the heap as a pathological parse would; the cap is what stops it, not the seam.
    const decider = buildDecider(loadConfig({ COUNTERSIGN_TEST_CRASH_AT: 'decision_oom', COUNTERSIGN_DECISION_MEMORY_MB: '128', COUNTERSIGN_DECISION_TIMEOUT_MS: '30000' }));
    try {
      const out = await decider.decide(Buffer.from(makeMail({ from: 'pm@riversidefm.org', messageId: '<oom@riversidefm.org>', headers: HOSTILE })), ctx);
      expect(out).toEqual({ kind: 'failed', mail: expect.objectContaining({ messageId: '<oom@riversidefm.org>' }), reason: { code: 'decision_crashed', detail: 'out of memory (heap cap 128 MB)' } });
      const next = await decider.decide(Buffer.from(makeMail({ from: 'pm@riversidefm.org', messageId: '<after-oom@riversidefm.org>' })), ctx);
      expect(next).toMatchObject({ kind: 'decided', mail: { messageId: '<after-oom@riversidefm.org>' }, decision: { action: 'flag' } });
      expect(decider.started).toBe(2);
    } finally {
      await decider.close();
    }
  }, 120_000);

  it('sends the decision context once, and again only when it changes', async () => {
    const decider = buildDecider(loadConfig({}));
    try {
      const raw = Buffer.from(makeMail({ from: 'pm@riversidefm.org' }));
      const a = await decider.decide(raw, ctx);
      expect(a).toMatchObject({ kind: 'decided', decision: { client: null } });
      const known: DecisionContext = { ...ctx, clients: [{ id: 'riverside', name: 'Riverside', domains: ['riversidefm.org'], approvers: [] }] };
      const b = await decider.decide(raw, known);
      expect(b).toMatchObject({ kind: 'decided', decision: { client: 'riverside' } });
      expect(decider.started).toBe(1);
    } finally {
      await decider.close();
    }
  }, 60_000);
});

describe('a message can never stop the daemon (IMAP, a real Dovecot)', () => {
  let dovecot: Dovecot;
  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterAll(() => dovecot?.destroy());

  it('run --once records a timed-out message failed and files it in the flagged folder, and handles the next one', async () => {
    const c = await imapClient(dovecot);
    await c.mailboxCreate('Hostile');
    await c.logout();
    const p = await makeProject({ COUNTERSIGN_DECISION_TIMEOUT_MS: '2000', COUNTERSIGN_TEST_SLOW_DECISION_MS: '120000' });
    await appendAll(
      dovecot,
      [
        makeMail({ from: 'pm@riversidefm.org', subject: 'Slow', body: PRODUCTION_APPROVAL, messageId: '<imap-slow@riversidefm.org>', headers: HOSTILE }),
        makeMail({ from: 'pm@riversidefm.org', subject: 'Fine', body: PRODUCTION_APPROVAL, messageId: '<imap-fine@riversidefm.org>' }),
      ],
      'Hostile',
    );
    const env = { ...p.env, COUNTERSIGN_IMAP_URL: dovecot.url('Hostile'), COUNTERSIGN_FOLDER_PROCESSED: 'H/Processed', COUNTERSIGN_FOLDER_FLAGGED: 'H/Flagged', COUNTERSIGN_FOLDER_IGNORED: 'H/Ignored' };
    const r = await runCountersign(['run', '--once'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(outcomes(p).map((o) => [o.messageId, o.outcome, o.reasons])).toEqual([
      ['<imap-slow@riversidefm.org>', 'failed', [{ code: 'decision_timeout', ms: 2000 }]],
      ['<imap-fine@riversidefm.org>', 'applied', []],
    ]);
    const folders = await folderContents(dovecot, ['Hostile', 'H.Processed', 'H.Flagged']);
    expect(folders['Hostile']).toEqual([]);
    expect(folders['H.Flagged']!.map((m) => [m.subject, m.seen])).toEqual([['Slow', true]]);
    expect(folders['H.Processed']!.map((m) => [m.subject, m.seen])).toEqual([['Fine', true]]);
    // Its location key is UIDVALIDITY:UID, and no attempt is left behind.
    expect(p.query<{ key: string }>('SELECT key FROM message_locations ORDER BY id').map((l) => l.key)).toEqual([expect.stringMatching(/^\d+:1$/), expect.stringMatching(/^\d+:2$/)]);
    expect(p.query('SELECT COUNT(*) AS n FROM message_attempts')).toEqual([{ n: 0 }]);
  }, 120_000);
});
