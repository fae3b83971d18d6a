import { createServer, type Server } from 'node:http';
import type { Db } from '../db/open-db.js';
import type { Health, Metrics } from './metrics.js';

/** An outbox whose oldest waiting mail is older than this is unhealthy (deliveries are stuck). */
const STUCK_OUTBOX_SECONDS = 3600;
/** SMTP unreachable this long while mail waits is unhealthy: waiting for the stuck-outbox hour would hide an outage. */
const SMTP_DOWN_SECONDS = 60;

/** `/healthz` and `/metrics` on loopback (COUNTERSIGN_HTTP_BIND), for monitoring. */
export function startHttpServer(opts: { port: number; bind: string; db: Db; health: Health; metrics: Metrics }): Promise<Server> {
  const server = createServer(async (req, res) => {
    try {
      if (req.url === '/healthz') {
        const waiting = opts.db.$client.prepare("SELECT (julianday('now') - julianday(MIN(created_at))) * 86400 AS v, COUNT(*) AS n FROM outbox WHERE status IN ('queued', 'retry')").get() as { v: number | null; n: number };
        const oldest = Number(waiting.v ?? 0);
        const smtpDownFor = opts.health.smtpDownSince === null ? 0 : (Date.now() - opts.health.smtpDownSince) / 1000;
        const problems = [
          ...(opts.health.mailboxUp ? [] : [`mailbox: ${opts.health.mailboxProblem ?? 'down'}`]),
          ...(oldest > STUCK_OUTBOX_SECONDS ? [`outbox: a mail has waited ${Math.round(oldest)} s`] : []),
          ...(waiting.n > 0 && smtpDownFor >= SMTP_DOWN_SECONDS ? [`smtp: unreachable for ${Math.round(smtpDownFor)} s with ${waiting.n} mail(s) waiting (${opts.health.smtpProblem})`] : []),
        ];
        res.writeHead(problems.length ? 503 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(problems.length ? { status: 'unhealthy', problems } : { status: 'ok' }));
        return;
      }
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': opts.metrics.registry.contentType });
        res.end(await opts.metrics.registry.metrics());
        return;
      }
      res.writeHead(404).end();
    } catch (e) {
      res.writeHead(500).end((e as Error).message);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bind, () => resolve(server));
  });
}
