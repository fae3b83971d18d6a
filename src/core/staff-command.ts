import { isStep, type Step } from './approval-state.js';
import { tagTokens, type Lexicon } from './lexicon.js';
import { normalizeText } from './normalize-text.js';
import { readCues } from './read-cues.js';
import { splitSentences } from './sentences.js';

export type ParsedStaffCommand = { kind: 'approve'; as?: Step; app?: string; client?: string } | { kind: 'reject' } | { kind: 'unknown'; line: string };

const APPROVE = /^(approve|approved|yes|confirm|confirmed)$/i;
const REJECT = /^(reject|rejected|no|deny|denied)$/i;
// `at CLIENT` names the client when the flagged mail has none (a personal address, an unmatched reply).
const OVERRIDE = /^approved?\s+as\s+([a-z_]{1,40})(?:\s+for\s+([a-z0-9][a-z0-9_-]{0,80}))?(?:\s+at\s+([a-z0-9][a-z0-9_-]{0,80}))?$/i;

/** The first line without Outlook's bold markers, quotes and closing full stop or exclamation marks. */
function bare(line: string): string {
  return line
    .trim()
    .replace(/^[*_"'\s]+|[*_"'\s]+$/g, '')
    .replace(/[.!]+$/, '')
    .replace(/^[*_"'\s]+|[*_"'\s]+$/g, '')
    .replace(/\s+/g, ' ');
}

/**
 * What staff newly wrote decides, all of it. A reply is a command only when its first non-empty
 * line is exactly one (`approve`, `reject`, `approve as STEP for APP`, with optional bold and a
 * full stop or "!") and no other sentence hedges it: a question, a condition, a wait, a maybe. "Yes,
 * but wait for compliance", "Approved by whom? Looks like a spoof" and "No problem, approve it" are
 * not commands; they change nothing and are answered "not understood".
 */
export function parseStaffCommand(newText: string, lex: Lexicon): ParsedStaffCommand {
  const lines = normalizeText(newText).split(/\r?\n/);
  const at = lines.findIndex((l) => l.trim() !== '');
  const first = at < 0 ? '' : lines[at]!.trim();
  const line = bare(first);
  let cmd: ParsedStaffCommand | null = null;
  const override = OVERRIDE.exec(line);
  if (override) {
    const step = override[1]!.toLowerCase();
    if (isStep(step)) cmd = { kind: 'approve', as: step, ...(override[2] ? { app: override[2].toLowerCase() } : {}), ...(override[3] ? { client: override[3].toLowerCase() } : {}) };
  } else if (APPROVE.test(line)) cmd = { kind: 'approve' };
  else if (REJECT.test(line)) cmd = { kind: 'reject' };
  if (!cmd) return { kind: 'unknown', line: first.slice(0, 200) };

  // The rest may thank, sign or explain a rejection; it may not hedge or question.
  const rest = lines.slice(at + 1).join('\n');
  for (const s of splitSentences(rest.slice(0, 16 * 1024))) {
    const cues = readCues(s, tagTokens(s.tokens, lex));
    const hedges = cmd.kind === 'reject' ? cues.filter((c) => c.kind !== 'negated') : cues;
    if (hedges.length > 0) return { kind: 'unknown', line: first.slice(0, 200) };
  }
  return cmd;
}

/** A flag reference token named in a subject, e.g. "Re: [CS-7KQ2M9XR0ABCD] Flagged: …". */
export function tokenInSubject(subject: string): string | null {
  return /\bCS-[0-9A-HJKMNP-TV-Z]{13}\b/.exec(subject.toUpperCase())?.[0] ?? null;
}
