import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { freePort } from '../helpers/free-port.js';
import { appendAll, imapClient } from '../helpers/imap-client.js';
import { makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeProject } from '../helpers/project.js';
import { BIN } from '../helpers/run-cli.js';

let dovecot: Dovecot;
beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(() => dovecot?.destroy());

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('health and metrics', () => {
  it('/healthz is 200 while the mailbox is up, 503 with the reason while Dovecot is down, 200 again after; /metrics counts messages', async () => {
    const c = await imapClient(dovecot);
    await c.mailboxCreate('Health');
    await c.logout();
    const port = await freePort();
    const p = await makeProject({ COUNTERSIGN_HTTP_PORT: String(port), COUNTERSIGN_POLL_SECONDS: '1', COUNTERSIGN_IMAP_URL: dovecot.url('Health') });
    const child = spawn(process.execPath, [BIN, 'run'], { env: { PATH: process.env.PATH ?? '', ...p.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.resume();
    child.stdout.resume();
    const exited = new Promise((r) => child.on('exit', r));
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: res.status, body: await res.text() };
    };
    try {
      await until('healthy', async () => (await get('/healthz')).status === 200);
      await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL }), makeMail({ from: 'pm@riversidefm.org', auth: null })], 'Health');
      const metrics = await until('two messages counted', async () => {
        const m = (await get('/metrics')).body;
        return /countersign_messages_total\{outcome="flagged",reason="sender_unverified"\} 1/.test(m) && m;
      });
      expect(metrics).toMatch(/countersign_messages_total\{outcome="applied",reason="none"\} 1/);
      expect(metrics).toMatch(/countersign_stage_changes_total\{stage="production_approved"\} 1/);
      expect(metrics).toMatch(/countersign_processing_seconds_count 2/);
      expect(metrics).toMatch(/countersign_open_flags \d+/);
      expect(metrics).toMatch(/countersign_outbox_depth \d+/);
      expect(metrics).not.toMatch(/riversidefm|RFM-/);
      dovecot.stop();
      try {
        const down = await until('unhealthy', async () => {
          const h = await get('/healthz');
          return h.status === 503 && h;
        });
        expect(JSON.parse(down.body)).toMatchObject({ status: 'unhealthy', problems: [expect.stringMatching(/^mailbox: /)] });
      } finally {
        await dovecot.start();
      }
      await until('healthy again', async () => (await get('/healthz')).status === 200, 30_000);
      expect((await get('/metrics')).body).toMatch(/countersign_imap_reconnects_total [1-9]/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
