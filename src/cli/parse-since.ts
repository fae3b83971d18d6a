import { CliError } from './output.js';

/** Accepts an ISO 8601 date or date-time and returns the UTC instant as stored in the log. */
export function parseSince(value: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) {
    throw new CliError(`--since: "${value}" is not an ISO 8601 date (e.g. 2026-11-01 or 2026-11-01T09:00:00Z)`);
  }
  return new Date(ms).toISOString();
}
