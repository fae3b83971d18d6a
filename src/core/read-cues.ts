import type { Concept, Tag } from './lexicon.js';
import type { Sentence } from './sentences.js';

/** Why a sentence holds something back. */
export interface Cue {
  kind: 'negated' | 'conditional' | 'wait' | 'question' | 'modal' | 'sarcasm' | 'future';
  cue: string;
}

const KIND: Partial<Record<Concept, Cue['kind']>> = {
  negation: 'negated',
  wait: 'wait',
  condition: 'conditional',
  modal: 'modal',
  question: 'question',
  question_start: 'question',
  sarcasm: 'sarcasm',
};

// Courtesies, double negatives that mean yes, permission given to the reader, and the words that
// say the app works as it should hold nothing back: the hold words inside them ("let me know IF",
// "NO objection", "you MAY proceed", "works WITHOUT issues", "as it SHOULD") are not cues.
const NEUTRAL: ReadonlySet<Concept> = new Set(['courtesy', 'soft_approve', 'go_ahead', 'as_designed']);
// "After reviewing the results, we approve": after/before a finished action is no condition.
const TEMPORAL = new Set(['after', 'before', 'apres', 'despues', 'antes', 'avant', 'nachdem', 'bevor']);
const DONE_NEXT = new Set(['having', 'avoir', 'haber', 'careful', 'thorough', 'successful', 'extensive', 'several', 'weeks', 'months', 'much', 'reviewing', 'testing', 'completing']);
const OPENERS = new Set(['so', 'and', 'also', 'but', 'ok', 'okay', 'well', 'then', 'quick', 'question', 'hi', 'hello', 'just', 'one', 'pd', 'ps']);
// A promise is not an approval: "will approve", "we'll sign off next week", "wird freigegeben".
const FUTURE = new Set(['will', 'shall', "we'll", "i'll", "they'll", "it'll", 'gonna', 'going', 'werden', 'wird', 'vamos', 'va', 'vont', 'allons', 'pourra', 'podra', 'sera', 'seront']);
const PROMISED: ReadonlySet<Concept> = new Set(['approve', 'approval_noun', 'consent', 'permit', 'signoff', 'soft_approve', 'go_ahead', 'proceed']);

// "Is that OK with legal", "Do they have access": an auxiliary verb before its subject opens a question.
const AUX = new Set(['is', 'are', 'was', 'were', 'do', 'does', 'did', 'can', 'could', 'would', 'will', 'should', 'shall', 'may', 'might', 'have', 'has', 'had', 'must']);
const SUBJECT = new Set(['i', 'you', 'we', 'they', 'it', 'this', 'that', 'there', 'the', 'our', 'your', 'he', 'she', 'someone', 'anyone', 'anybody', 'everything', 'everyone', 'all', 'these', 'those', 'acme', 'legal']);

function opensAsQuestion(s: Sentence): string | null {
  let i = 0;
  while (i < s.tokens.length - 1 && OPENERS.has(s.tokens[i]!.norm)) i++;
  const a = s.tokens[i];
  const b = s.tokens[i + 1];
  return a && b && AUX.has(a.norm) && SUBJECT.has(b.norm) ? `${a.text} ${b.text}` : null;
}

const MAX_CUES = 8;
const GIVEN_BEFORE = new Set(['is', 'was', 'been', 'be', 'are', 'were', 'approval', 'consent', 'authorization', 'authorisation', 'hereby']);

function exempt(s: Sentence, t: Tag, courtesy: readonly Tag[]): boolean {
  const word = s.tokens[t.start]!.norm;
  const next = s.tokens[t.end];
  if (t.concept === 'condition' && TEMPORAL.has(word) && next && (next.norm.endsWith('ing') || DONE_NEXT.has(next.norm))) return true;
  // "Provided the training is done" is a condition; "approval is provided" is not.
  if (t.concept === 'condition' && word === 'provided' && t.end === t.start + 1 && GIVEN_BEFORE.has(s.tokens[t.start - 1]?.norm ?? '')) return true;
  // "May 5", "5 May": a date, not a modal.
  if (word === 'may' && ((next && /^\d/.test(next.norm)) || /^\d/.test(s.tokens[t.start - 1]?.norm ?? ''))) return true;
  if (t.concept === 'question_start') {
    // A question opens a sentence or a clause: after openers and greetings ("Hi Pat, can you…"), or
    // capitalised after a comma where a line was run on ("Buenas tardes, Pueden confirmar…").
    if (/^\p{Lu}/u.test(s.tokens[t.start]!.text)) return false;
    let i = 0;
    while (i < t.start && (OPENERS.has(s.tokens[i]!.norm) || courtesy.some((c) => c.start <= i && i < c.end))) i++;
    return i !== t.start;
  }
  return false;
}

/**
 * Every reason this sentence holds something back, in order. Bounded: the tags are already found,
 * each is checked against its neighbours only.
 */
export function readCues(s: Sentence, tags: readonly Tag[]): Cue[] {
  const neutral = tags.filter((t) => NEUTRAL.has(t.concept));
  const inNeutral = (t: Tag) => neutral.some((n) => n.start <= t.start && t.end <= n.end && n !== t);
  const cues: Cue[] = [];
  for (const t of tags) {
    // A handful of cues says why; a sentence of 100,000 question marks need not list them all.
    if (cues.length >= MAX_CUES) break;
    const kind = KIND[t.concept];
    if (!kind || inNeutral(t) || exempt(s, t, neutral)) continue;
    cues.push({ kind, cue: s.tokens.slice(t.start, t.end).map((x) => x.text).join(' ') });
  }
  const question = opensAsQuestion(s);
  if (question && !cues.some((c) => c.kind === 'question')) cues.push({ kind: 'question', cue: question });
  for (const t of tags) {
    if (!PROMISED.has(t.concept)) continue;
    for (let i = Math.max(0, t.start - 3); i < t.start; i++) {
      if (FUTURE.has(s.tokens[i]!.norm)) {
        cues.push({ kind: 'future', cue: s.tokens.slice(i, t.end).map((x) => x.text).join(' ') });
        break;
      }
    }
  }
  return cues;
}
