import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseRegistry, writeRegistry } from '../helpers/registry-fixture.js';
import { runCountersign, type CliRun } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/** No stack trace: an operator's error is one actionable line, not a Node.js backtrace. */
const noStack = (r: CliRun) => {
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('unexpected error');
};

const jsonError = (r: CliRun) => JSON.parse(r.stdout) as { error: { code: string; message: string } };

async function imported(): Promise<Record<string, string>> {
  const dir = tempDir();
  const env = { COUNTERSIGN_DB: path.join(dir, 'cs.sqlite') };
  expect((await runCountersign(['registry', 'import', await writeRegistry(baseRegistry(), { dir })], env)).code).toBe(0);
  return env;
}

describe('errors an operator can act on (the real binary)', () => {
  it('a database path that cannot be opened exits 2 naming COUNTERSIGN_DB and the file, and --json says so on stdout', async () => {
    const dir = tempDir();
    const notADb = path.join(dir, 'notes.txt');
    writeFileSync(notADb, 'this is not a database, it is a text file that is long enough to have a header\n'.repeat(20));
    const under = path.join(notADb, 'cs.sqlite'); // a folder that is a file
    for (const db of [notADb, under]) {
      const r = await runCountersign(['status'], { COUNTERSIGN_DB: db });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`COUNTERSIGN_DB: cannot open the database ${db}`);
      noStack(r);
      const j = await runCountersign(['status', '--json'], { COUNTERSIGN_DB: db });
      expect(j.code).toBe(2);
      expect(jsonError(j).error).toEqual({ code: 'database', message: expect.stringContaining('COUNTERSIGN_DB') });
    }
  });

  it('an invalid variable exits 2 naming it, with the JSON error shape', async () => {
    const r = await runCountersign(['status', '--json'], { COUNTERSIGN_DB: path.join(tempDir(), 'x.sqlite'), COUNTERSIGN_POLL_SECONDS: 'often' });
    expect(r.code).toBe(2);
    expect(jsonError(r).error.code).toBe('configuration');
    expect(jsonError(r).error.message).toContain('COUNTERSIGN_POLL_SECONDS');
    noStack(r);
  });

  it('a registry with a YAML syntax error or a wrong entry exits 2 naming the file and the entry', async () => {
    const dir = tempDir();
    const env = { COUNTERSIGN_DB: path.join(dir, 'cs.sqlite') };
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, 'staff: [ops@partners.example\nclients: {{\n');
    const r = await runCountersign(['registry', 'import', broken, '--json'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${broken}: (file): not valid YAML`);
    expect(jsonError(r).error).toEqual({ code: 'invalid_input', message: expect.stringContaining(broken), problems: expect.arrayContaining([expect.objectContaining({ kind: 'file' })]) });
    noStack(r);
    const reg = baseRegistry();
    reg.apps[1].partner = 'nobody';
    const wrong = await runCountersign(['registry', 'import', await writeRegistry(reg, { dir })], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('apps[1] (acme-notes) → partner: unknown partner "nobody"');
    noStack(wrong);
  });

  it('status, log and flags with an unknown client, app or id say so and exit 1', async () => {
    const env = await imported();
    const cases: [string[], string][] = [
      [['status', '--client', 'riversdie'], 'no client "riversdie"'],
      [['status', '--app', 'acme-shceduler'], 'no app "acme-shceduler"'],
      [['log', '--client', 'riversdie'], 'no client "riversdie"'],
      [['log', '--app', 'nope'], 'no app "nope"'],
      [['flags', 'show', '999'], 'no flag 999'],
    ];
    for (const [args, message] of cases) {
      const r = await runCountersign(args, env);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(message);
      expect(r.stdout).toBe('');
      const j = await runCountersign([...args, '--json'], env);
      expect(j.code).toBe(1);
      expect(jsonError(j).error).toEqual({ code: 'not_found', message: expect.stringContaining(message) });
    }
    // A known client with nothing recorded is still an ordinary, empty answer.
    const known = await runCountersign(['status', '--client', 'lakeside', '--json'], env);
    expect(known.code).toBe(0);
    expect(JSON.parse(known.stdout)).toEqual([]);
  });

  it('a refused step and a bad option print the JSON error shape on stdout', async () => {
    const env = await imported();
    const refused = await runCountersign(['app', 'declare-ga', 'acme-scheduler', '--by', 'ops@partners.example', '--json'], env);
    expect(refused.code).toBe(1);
    expect(jsonError(refused).error).toEqual({ code: 'refused', message: expect.stringContaining('No Beta client has signed off') });
    const usage = await runCountersign(['status', '--json', '--colour'], env);
    expect(usage.code).toBe(1);
    expect(jsonError(usage).error.code).toBe('usage');
    expect(jsonError(usage).error.message).toContain('--colour');
  });
});

describe('the last resort (in-process: a bug cannot be provoked through the binary on purpose)', () => {
  const capture = () => {
    const out = { stdout: '', stderr: '' };
    return { out, port: { stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s), stdoutWithSecrets: (s: string) => void (out.stdout += s) } };
  };

  it('an unexpected exception exits 70 asking to report it, with the JSON error shape', async () => {
    const { runCli } = await import('../../src/cli/main.js');
    const { CliContext } = await import('../../src/cli/context.js');
    const c = capture();
    class Broken extends CliContext {
      override get db(): never {
        throw new TypeError("Cannot read properties of undefined (reading 'stage')");
      }
    }
    const code = await runCli(['status', '--json'], new Broken({ COUNTERSIGN_DB: ':memory:' }, c.port));
    expect(code).toBe(70);
    expect(c.out.stderr).toContain('this is a bug in Countersign; please report it');
    expect(JSON.parse(c.out.stdout)).toEqual({ error: { code: 'internal', message: expect.stringContaining("reading 'stage'") } });
  });

  it('a template naming an unknown variable exits 2 naming the file and the variable', async () => {
    const { runCli } = await import('../../src/cli/main.js');
    const { CliContext } = await import('../../src/cli/context.js');
    const { Templates } = await import('../../src/adapters/templates.js');
    const dir = tempDir();
    const { cpSync, readdirSync } = await import('node:fs');
    const { TEMPLATES_DIR } = await import('../../src/paths.js');
    for (const f of readdirSync(TEMPLATES_DIR)) cpSync(path.join(TEMPLATES_DIR, f), path.join(dir, f));
    writeFileSync(path.join(dir, 'client-ack-beta-consent.txt'), 'Subject: Re: {{originalSubject}}\n\nHello {{clientNmae}}\n');
    const c = capture();
    class WithTemplates extends CliContext {
      override get db(): never {
        new Templates(dir); // what `run` and `doctor` do at start
        throw new Error('unreachable');
      }
    }
    const code = await runCli(['status', '--json'], new WithTemplates({}, c.port));
    expect(code).toBe(2);
    expect(c.out.stderr).toContain(`${path.join(dir, 'client-ack-beta-consent.txt')}: unknown variable {{clientNmae}}`);
    expect(c.out.stderr).not.toMatch(/^\s+at /m);
    expect(JSON.parse(c.out.stdout).error.code).toBe('template');
  });
});
