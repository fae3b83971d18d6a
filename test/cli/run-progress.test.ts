import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeProject, type Project } from '../helpers/project.js';
import { BIN, runCountersign } from '../helpers/run-cli.js';

function deliverMany(p: Project, n: number): void {
  const md = p.env.COUNTERSIGN_MAILDIR!;
  for (const s of ['new', 'cur', 'tmp']) mkdirSync(path.join(md, s), { recursive: true });
  for (let i = 0; i < n; i++) {
    writeFileSync(path.join(md, 'new', `17000000${10 + i}.p${i}.host`), makeMail({ from: 'pm@riversidefm.org', auth: null, body: PRODUCTION_APPROVAL, messageId: `<progress-${i}@riversidefm.org>` }));
  }
}

/** Runs the real binary under a pseudo-terminal, as an operator at a shell would (util-linux `script`). */
function runOnTerminal(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const BAR = /\|\s*\d+\/\d+ messages \| [\d.]+ msg\/s \| .* left/;

describe('run --once progress', () => {
  it('on a terminal shows a bar with handled / total, the rate and the time left', async () => {
    const p = await makeProject();
    deliverMany(p, 5);
    const r = await runOnTerminal(['run', '--once'], p.env);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(BAR);
    expect(r.output).toContain('5/5 messages');
    expect(p.query<{ n: number }>('SELECT COUNT(*) AS n FROM messages')[0]!.n).toBe(5);
  }, 120_000);

  it('without a terminal writes no bar: stdout is only the JSON log lines, as before', async () => {
    const p = await makeProject();
    deliverMany(p, 3);
    const r = await runCountersign(['run', '--once'], p.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(BAR);
    expect(r.stderr).not.toContain('msg/s');
    expect(r.stdout).not.toContain('msg/s');
    const lines = r.stdout.trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(lines.filter((l) => JSON.parse(l).msg === 'message flagged')).toHaveLength(3);
  }, 120_000);
});
