import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the container image health', () => {
  it('serves /healthz on all interfaces on the exposed port, and its HEALTHCHECK passes on 200 and fails on 503 or no answer', async () => {
    const cf = readFileSync(path.join(ROOT, 'scripts/deploy/Containerfile'), 'utf8');
    expect(cf).toMatch(/COUNTERSIGN_HTTP_PORT=8080/);
    expect(cf).toMatch(/COUNTERSIGN_HTTP_BIND=0\.0\.0\.0/);
    expect(cf).toMatch(/^EXPOSE 8080$/m);
    const cmd = JSON.parse(/^HEALTHCHECK [^\n]*\\\n\s+CMD (\[.+\])$/m.exec(cf)![1]!) as string[];
    expect(cmd.slice(0, 2)).toEqual(['node', '-e']);
    // The check itself, run by node as the runtime would, against a /healthz on another port.
    let status = 200;
    const server = createServer((_req, res) => res.writeHead(status).end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const probe = () =>
      new Promise<number>((resolve) => {
        execFile(process.execPath, ['-e', cmd[2]!.replace('127.0.0.1:8080', `127.0.0.1:${port}`)], (err) => resolve(err ? Number((err as { code?: number }).code ?? 1) : 0));
      });
    try {
      expect(await probe()).toBe(0);
      status = 503;
      expect(await probe()).toBe(1);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    expect(await probe()).toBe(1);
  });
});
