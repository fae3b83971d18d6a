import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { freePort } from './free-port.js';

export interface Received {
  from: string;
  to: string[];
  raw: string;
}

export type Behaviour = (attempt: number) => 'accept' | { code: number; message: string } | 'drop';

/**
 * A real SMTP peer (the nodemailer project's smtp-server) on a free loopback port. `behaviour` decides
 * per DATA attempt: accept, answer with a code (421/451/550…), or drop the connection mid-DATA.
 */
export async function startSmtpPeer(behaviour: Behaviour = () => 'accept'): Promise<{ url: string; received: Received[]; attempts: () => number; close: () => Promise<void> }> {
  const received: Received[] = [];
  const sockets = new Map<number, Socket>();
  let attempts = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      attempts++;
      const decision = behaviour(attempts);
      const chunks: Buffer[] = [];
      let dropped = false;
      stream.on('data', (c: Buffer) => {
        chunks.push(c);
        if (decision === 'drop' && !dropped) {
          dropped = true;
          // The connection dies in the middle of DATA: no reply ever reaches the client.
          sockets.get(session.remotePort)?.destroy();
          stream.resume();
        }
      });
      stream.on('end', () => {
        if (decision === 'accept') {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          callback();
        } else if (decision !== 'drop') {
          callback(Object.assign(new Error(decision.message), { responseCode: decision.code }));
        }
      });
    },
  });
  (server as unknown as { server: { on(e: 'connection', f: (s: Socket) => void): void } }).server.on('connection', (s: Socket) => sockets.set(s.remotePort ?? 0, s));
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${port}`, received, attempts: () => attempts, close: () => new Promise((r) => server.close(() => r())) };
}
