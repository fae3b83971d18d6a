import { isStep, type Step } from './approval-state.js';

export type ParsedStaffCommand = { kind: 'approve'; as?: Step; app?: string } | { kind: 'reject' } | { kind: 'unknown'; line: string };

const APPROVE = /^(approve|approved|yes|confirm|confirmed)\b/i;
const REJECT = /^(reject|rejected|no|deny|denied)\b/i;
const OVERRIDE = /^approved?\s+as\s+([a-z_]+)(?:\s+for\s+([a-z0-9][a-z0-9_-]*))?\s*[.!]?$/i;

/**
 * The first non-empty line of what staff newly wrote decides: approve, reject, or neither. It may
 * override the proposal: `approve as production_approval for acme-scheduler`. Punctuation and
 * Outlook's bold markers around the word are tolerated ("**Approve.**", "Yes!").
 */
export function parseStaffCommand(newText: string): ParsedStaffCommand {
  const line = (newText.split(/\r?\n/).find((l) => l.trim() !== '') ?? '').trim().replace(/^[*_"'\s]+|[*_"'\s]+$/g, '');
  const override = OVERRIDE.exec(line);
  if (override) {
    const step = override[1]!.toLowerCase();
    if (!isStep(step)) return { kind: 'unknown', line };
    return { kind: 'approve', as: step, ...(override[2] ? { app: override[2].toLowerCase() } : {}) };
  }
  if (APPROVE.test(line) && !/^(approve|yes|confirm)\w*\s+(as|for)\b/i.test(line)) return { kind: 'approve' };
  if (REJECT.test(line)) return { kind: 'reject' };
  return { kind: 'unknown', line };
}

/** A flag reference token named in a subject, e.g. "Re: [CS-7KQ2M9XR0ABCD] Flagged: …". */
export function tokenInSubject(subject: string): string | null {
  return /\bCS-[0-9A-HJKMNP-TV-Z]{13}\b/.exec(subject.toUpperCase())?.[0] ?? null;
}
