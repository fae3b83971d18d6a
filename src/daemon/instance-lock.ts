import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:net';

/**
 * One daemon per database. The lock is a Linux abstract-namespace socket named after the database
 * path: binding it is atomic, and the kernel releases it when the process ends however it ends
 * (even SIGKILL), so there is no stale lock file to clean up.
 */
export async function acquireInstanceLock(dbPath: string): Promise<{ release(): void } | { heldBy: string }> {
  const name = `\0countersign-${createHash('sha256').update(dbPath).digest('hex').slice(0, 32)}`;
  const server: Server = createServer((s) => s.end(`${process.pid}\n`));
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') resolve({ heldBy: 'another countersign run' });
      else reject(e);
    });
    server.listen(name, () => {
      server.unref();
      resolve({ release: () => server.close() });
    });
  });
}
