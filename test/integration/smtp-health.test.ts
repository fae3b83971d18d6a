import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { startDaemon, waitFor } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeKey } from '../helpers/pgp-keys.js';
import { makeProject } from '../helpers/project.js';

async function poll<T>(what: string, fn: () => Promise<T | undefined | false>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('/healthz and an unreachable SMTP server', () => {
  it('turns 503 within a minute of SMTP being unreachable with mail waiting, and 200 once it answers again', { timeout: 150_000 }, async () => {
    const httpPort = await freePort();
    const smtpPort = await freePort(); // nothing listens here yet
    const p = await makeProject({ COUNTERSIGN_HTTP_PORT: String(httpPort), COUNTERSIGN_POLL_SECONDS: '2', COUNTERSIGN_SMTP_URL: `smtp://127.0.0.1:${smtpPort}` });
    const signer = await makeKey('apipartners@partners.example');
    writeFileSync(path.join(p.dir, 'signing.asc'), signer.privateKey);
    const md = p.env.COUNTERSIGN_MAILDIR!;
    for (const s of ['new', 'cur', 'tmp']) mkdirSync(path.join(md, s), { recursive: true });
    const d = startDaemon({ ...p.env, COUNTERSIGN_SIGNING_KEY: path.join(p.dir, 'signing.asc') });
    const health = async () => {
      const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
      return { status: res.status, body: JSON.parse(await res.text()) as { status: string; problems?: string[] } };
    };
    let server: SMTPServer | null = null;
    try {
      await poll('healthy', async () => (await health()).status === 200, 20_000);
      writeFileSync(path.join(md, 'new', '1700000001.a.host'), makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL }));
      await waitFor('the first refused delivery', () => d.output().includes('mail not delivered; will retry'), 20_000);
      const failedAt = Date.now();
      // Still healthy at first: one refused connection is not an outage.
      expect((await health()).status).toBe(200);
      const down = await poll('503', async () => {
        const h = await health();
        return h.status === 503 && h;
      }, 70_000);
      const after = (Date.now() - failedAt) / 1000;
      expect(after).toBeLessThanOrEqual(62);
      expect(after).toBeGreaterThanOrEqual(58);
      expect(down.body.problems).toEqual([expect.stringMatching(/^smtp: unreachable for 6\d s with 2 mail\(s\) waiting \(ESOCKET: connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/)]);
      server = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, onData: (s, _x, cb) => s.on('data', () => undefined).on('end', () => cb()) });
      await new Promise<void>((r) => server!.listen(smtpPort, '127.0.0.1', r));
      // The retries back off (at most 64 s by now): the next one delivers and clears the problem.
      await poll('healthy again', async () => (await health()).status === 200, 70_000);
      // Each waiting mail goes at its own next retry; none is lost.
      await poll('both mails sent', async () => p.query<{ status: string }>("SELECT status FROM outbox WHERE kind != 'staff_flag'").every((r) => r.status === 'sent'), 70_000);
      console.log(`/healthz 503 ${after.toFixed(1)} s after the first refused delivery`);
    } finally {
      await d.stop();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    }
  });
});
