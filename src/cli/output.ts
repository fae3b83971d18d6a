import { scrub } from '../secret-scrubber.js';

/**
 * A stable, machine-readable name for each kind of failure, printed as `{"error": {"code", "message"}}`
 * by `--json` commands. `refused`: a step or request the records do not allow; `not_found`: an
 * unknown client, app or id; `invalid_input`: a file, entry or option to fix; `configuration`: an
 * environment variable to fix; `database`: the database cannot be opened; `template`: a template
 * file to fix; `verification_failed`: a check found a problem; `usage`: the command line;
 * `internal`: a bug in Countersign.
 */
export type ErrorCode = 'refused' | 'not_found' | 'invalid_input' | 'configuration' | 'database' | 'template' | 'verification_failed' | 'usage' | 'internal';

/** A failure the operator can act on: printed to stderr (scrubbed) with a non-zero exit. */
export class CliError extends Error {
  readonly code: ErrorCode;
  constructor(
    message: string,
    readonly exitCode = 1,
    code?: ErrorCode,
  ) {
    super(message);
    this.name = 'CliError';
    this.code = code ?? (exitCode === 2 ? 'invalid_input' : 'refused');
  }
}

/** The JSON shape of a failure on stdout, for scripts that asked for --json. */
export function printJsonError(out: Out, code: ErrorCode, message: string): void {
  printJson(out, { error: { code, message } });
}

export interface Out {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Unscrubbed stdout, only for output the operator explicitly asked to contain secrets. */
  stdoutWithSecrets: (s: string) => void;
}

export const processOut: Out = {
  stdout: (s) => process.stdout.write(scrub(s)),
  stderr: (s) => process.stderr.write(scrub(s)),
  stdoutWithSecrets: (s) => process.stdout.write(s),
};

/** One JSON document on stdout, nothing else. */
export function printJson(out: Out, value: unknown): void {
  out.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
}

/** A plain aligned table for humans; an empty list says so instead of printing bare headers. */
export function printTable<T>(out: Out, rows: T[], columns: Column<T>[], empty = '(none)'): void {
  if (rows.length === 0) {
    out.stdout(`${empty}\n`);
    return;
  }
  const cells = rows.map((r) => columns.map((c) => String(c.value(r) ?? '')));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => (i === vals.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  out.stdout(`${[line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n')}\n`);
}
