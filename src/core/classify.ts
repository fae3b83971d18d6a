import type { BetaConsentParts } from './approval-state.js';
import { compilePhrases, findPhrase, type CompiledPhrase } from './phrase-matcher.js';

export const INTENTS = ['beta_consent', 'production_approval', 'ga_signoff', 'withdrawal', 'staff_reply', 'other'] as const;
export type Intent = (typeof INTENTS)[number];
type TextIntent = 'beta_agreement' | 'beta_site' | 'production_approval' | 'ga_signoff' | 'withdrawal';

/** One sentence and the character ranges of its negated tokens, as an NLP library sees them. */
export interface Sentence {
  text: string;
  negated: ReadonlyArray<readonly [number, number]>;
}
export type SentenceAnalyzer = (text: string) => Sentence[];

export interface PhraseLists {
  betaConsent: { agreement: string[]; beta_site: string[] };
  productionApproval: { phrases: string[] };
  gaSignoff: { phrases: string[] };
  withdrawal: { phrases: string[] };
  blockers: { conditional: string[]; wait: string[]; question_start: string[] };
}

export interface CompiledPhraseLists {
  intents: ReadonlyArray<readonly [TextIntent, CompiledPhrase[]]>;
  conditional: CompiledPhrase[];
  wait: CompiledPhrase[];
  questionStart: CompiledPhrase[];
}

export function compilePhraseLists(p: PhraseLists): CompiledPhraseLists {
  return {
    intents: [
      ['withdrawal', compilePhrases(p.withdrawal.phrases)],
      ['beta_agreement', compilePhrases(p.betaConsent.agreement)],
      ['beta_site', compilePhrases(p.betaConsent.beta_site)],
      ['production_approval', compilePhrases(p.productionApproval.phrases)],
      ['ga_signoff', compilePhrases(p.gaSignoff.phrases)],
    ],
    conditional: compilePhrases(p.blockers.conditional),
    wait: compilePhrases(p.blockers.wait),
    questionStart: compilePhrases(p.blockers.question_start).map((c) => ({ source: c.source, re: new RegExp(`^\\W*${c.re.source}`, 'iu') })),
  };
}

export interface Match {
  /** What the phrase is evidence of: an intent, or one of the two parts of a beta consent. */
  of: TextIntent;
  phrase: string;
  text: string;
  sentence: string;
}

export type BlockerKind = 'negated' | 'conditional' | 'wait' | 'question';
export interface Blocker {
  kind: BlockerKind;
  of: TextIntent;
  /** The words that make it not an approval ("not", "once training is done", "?"). */
  cue: string;
  sentence: string;
}

export interface Classification {
  intent: Intent;
  confidence: number;
  /** Phrases that count, from sentences that are plain statements. */
  matched: Match[];
  /** Phrases found in negated, conditional, waiting or questioning sentences: never approvals. */
  blockers: Blocker[];
  betaParts: BetaConsentParts;
  /** Every distinct intent with positive evidence; more than one approval intent is ambiguous. */
  intentsFound: Intent[];
}

const toIntent = (of: TextIntent): Intent => (of === 'beta_agreement' || of === 'beta_site' ? 'beta_consent' : of);

function blockerOf(s: Sentence, hit: { start: number; end: number }, lists: CompiledPhraseLists): { kind: BlockerKind; cue: string } | null {
  const text = s.text.trim();
  if (text.endsWith('?')) return { kind: 'question', cue: '?' };
  const q = findPhrase(text, lists.questionStart);
  if (q) return { kind: 'question', cue: q.text.trim() };
  const neg = s.negated.find(([a, b]) => a < hit.end && b > hit.start);
  if (neg) return { kind: 'negated', cue: s.text.slice(neg[0], neg[1]) };
  const w = findPhrase(s.text, lists.wait);
  if (w) return { kind: 'wait', cue: w.text };
  const c = findPhrase(s.text, lists.conditional);
  if (c) return { kind: 'conditional', cue: c.text };
  return null;
}

/** Finds what the client's new text says: which intent, on what evidence, and what blocks it. */
export function classifyText(newText: string, lists: CompiledPhraseLists, analyze: SentenceAnalyzer): Classification {
  const matched: Match[] = [];
  const blockers: Blocker[] = [];
  for (const s of analyze(newText)) {
    for (const [of, phrases] of lists.intents) {
      const hit = findPhrase(s.text, phrases);
      if (!hit) continue;
      const blocked = blockerOf(s, hit, lists);
      if (blocked) blockers.push({ ...blocked, of, sentence: s.text.trim() });
      else matched.push({ of, phrase: hit.phrase, text: hit.text, sentence: s.text.trim() });
    }
  }
  const betaParts: BetaConsentParts = {
    testDatabaseAgreement: matched.some((m) => m.of === 'beta_agreement'),
    betaSiteConsent: matched.some((m) => m.of === 'beta_site'),
  };
  const found = [...new Set(matched.map((m) => toIntent(m.of)))];
  const blockedIntents = [...new Set(blockers.map((b) => toIntent(b.of)))];
  let intent: Intent;
  if (found.includes('withdrawal') || blockedIntents.includes('withdrawal')) intent = 'withdrawal';
  else if (found.length > 0) intent = found[0]!;
  else if (blockedIntents.length > 0) intent = blockedIntents[0]!;
  else intent = 'other';

  let confidence = 0;
  if (intent !== 'other') {
    const own = matched.filter((m) => toIntent(m.of) === intent);
    if (intent === 'beta_consent') confidence = betaParts.testDatabaseAgreement && betaParts.betaSiteConsent ? 0.9 : own.length > 0 ? 0.5 : 0.2;
    else confidence = own.length === 0 ? 0.2 : Math.min(0.95, 0.7 + 0.1 * (new Set(own.map((m) => m.phrase)).size - 1));
    if (blockers.length > 0) confidence = Math.min(confidence, 0.3);
    if (found.length > 1) confidence = Math.min(confidence, 0.4);
  }
  return { intent, confidence: Math.round(confidence * 100) / 100, matched, blockers, betaParts, intentsFound: found };
}
