import type { BetaConsentParts } from './approval-state.js';
import { tagTokens, type Concept, type Lexicon, type Tag } from './lexicon.js';
import { readCues, type Cue } from './read-cues.js';
import { splitSentences, type Sentence } from './sentences.js';

export const INTENTS = ['beta_consent', 'production_approval', 'ga_signoff', 'withdrawal', 'staff_reply', 'other'] as const;
export type Intent = (typeof INTENTS)[number];
export type TextIntent = 'beta_agreement' | 'beta_site' | 'production_approval' | 'ga_signoff' | 'withdrawal';
export type BlockerKind = Cue['kind'];

/** Evidence of an intent in one sentence: clear wording, or a soft one (a double negative, "ready to go live"). */
export interface Match {
  of: TextIntent;
  strength: 'clear' | 'soft';
  /** The words that carry it, as written. */
  text: string;
  sentence: string;
  /** The concept whose words carry it (e.g. `as_designed`, `satisfaction`, `signoff`). */
  via: Concept;
  /** A capitalised name written as what is approved ("we approve MediTrack Pro"), when there is one. */
  object?: string;
}

/** A sentence that holds something back: a negation, condition, wait, question, modal or jest. */
export interface Blocker {
  kind: BlockerKind;
  /** The intent the same sentence states, when it states one. */
  of: TextIntent | null;
  cue: string;
  sentence: string;
}

/** What each sentence of the new text is, so that every one is accounted for. */
export type SentenceRole = 'approval' | 'hold' | 'courtesy' | 'short_line' | 'remark';

export interface Classification {
  intent: Intent;
  confidence: number;
  matched: Match[];
  blockers: Blocker[];
  betaParts: BetaConsentParts;
  /** Every distinct intent with evidence, held back or not; more than one approval intent is ambiguous. */
  intentsFound: Intent[];
  sentences: Array<{ text: string; role: SentenceRole }>;
}

const toIntent = (of: TextIntent): Intent => (of === 'beta_agreement' || of === 'beta_site' ? 'beta_consent' : of);

// Structure words around an approval noun: "your approval", "pending approval", "approval form".
const NOT_OURS_BEFORE = new Set(['your', 'their', 'his', 'her', 'its', 'for', 'pending', 'awaiting', 'await', 'need', 'needs', 'needed', 'require', 'requires', 'required', 'seek', 'seeking', 'request', 'requesting', 'requested', 'obtain', 'get', 'getting', 'without', 'about', 'regarding', 'su', 'sus', 'votre', 'vos', 'ihre', 'ihrer']);
const ADMIN_AFTER = new Set(['form', 'forms', 'process', 'request', 'requests', 'status', 'workflow', 'meeting', 'document', 'documents', 'template', 'checklist', 'step', 'steps', 'timeline', 'date', 'criteria', 'requirements', 'call', 'email', 'mail', 'letter', 'queue', 'ticket', 'link', 'page', 'portal']);
const REQUEST_BEFORE = new Set(['please', 'kindly', 'pls', 'plz', 'to', 'you']);
const IMPERATIVE_OPENERS = new Set(['please', 'ok', 'okay', 'so', 'great', 'yes', 'kindly', 'now', 'then', 'and']);
const READY_LINKS = new Set(['to', 'for', 'para', 'pour', 'a', 'à', 'fur', 'zu', 'zum', 'de', 'con']);

interface SentenceFacts {
  has: (c: Concept) => boolean;
  tags: Tag[];
  words: string[];
}

function wordsOf(s: Sentence, tags: readonly Tag[], concept: Concept): string {
  const t = tags.find((x) => x.concept === concept);
  return t ? s.tokens.slice(t.start, t.end).map((x) => x.text).join(' ') : '';
}

/** An approval noun that is the writer's own ("our approval", "consent is given"), not a form, a request or someone else's. */
function ownedNoun(f: SentenceFacts, noun: Tag): boolean {
  const before = f.words.slice(Math.max(0, noun.start - 2), noun.start);
  // Within five words either side: "we're giving CareLoop Messenger the thumbs-up", "approval for X confirmed".
  if (before.some((w) => NOT_OURS_BEFORE.has(w))) return false;
  if (ADMIN_AFTER.has(f.words[noun.end] ?? '')) return false;
  return f.tags.some((o) => o.concept === 'ownership' && ((o.end <= noun.start && o.end >= noun.start - 5) || (o.start >= noun.end && o.start <= noun.end + 4)));
}

/** An approving verb said as a statement, not asked for ("please approve", "to approve"). */
function assertedVerb(f: SentenceFacts, verb: Tag): boolean {
  const prev = f.words[verb.start - 1] ?? '';
  if (!REQUEST_BEFORE.has(prev)) return true;
  // "happy to approve", "ready to authorise": the writer's own readiness makes it a statement.
  return prev === 'to' && f.tags.some((t) => t.concept === 'ready' && t.end <= verb.start - 1 && t.end >= verb.start - 3);
}

const overlaps = (a: Tag, b: Tag) => a.start < b.end && b.start < a.end;

function approves(f: SentenceFacts, gaWording: boolean): { clear: boolean; soft: boolean } {
  // "Works as designed in production; take this as our sign-off" signs off the beta, it does not
  // approve production: a sign-off beside GA wording is the GA step's.
  const signoffs = gaWording ? f.tags.filter((t) => t.concept === 'signoff') : [];
  const clear = f.tags.some((t) => (t.concept === 'approve' && assertedVerb(f, t)) || (t.concept === 'approval_noun' && ownedNoun(f, t) && !signoffs.some((s) => overlaps(s, t))));
  const soft = f.has('soft_approve') || f.has('go_ahead');
  return { clear, soft };
}

function imperativeProceed(f: SentenceFacts): boolean {
  return f.tags.some((t) => t.concept === 'proceed' && (t.start === 0 || (t.start <= 2 && f.words.slice(0, t.start).every((w) => IMPERATIVE_OPENERS.has(w)))));
}

function readyTo(f: SentenceFacts): boolean {
  return f.has('we') && f.tags.some((t) => t.concept === 'ready' && READY_LINKS.has(f.words[t.end] ?? ''));
}

/** The intents one sentence states, by the rules that combine concepts. */
function evidenceOf(s: Sentence, tags: Tag[], held: boolean): Array<Omit<Match, 'sentence'>> {
  const set = new Set(tags.map((t) => t.concept));
  const f: SentenceFacts = { has: (c) => set.has(c), tags, words: s.tokens.map((t) => t.norm) };
  const out: Array<Omit<Match, 'sentence'>> = [];
  const gaWording = (f.has('works') && f.has('as_designed')) || f.has('satisfaction');
  const a = approves(f, gaWording);
  // A held sentence is never an approval; what it is about ("What do we need to approve production?",
  // "hold off on moving to production") still tells staff which step it concerns.
  if (held) {
    a.clear ||= f.has('approve') || f.has('approval_noun') || f.has('proceed');
  }
  const object = objectName(s, tags);
  const say = (of: TextIntent, strength: 'clear' | 'soft', concept: Concept) =>
    out.push({ of, strength, text: wordsOf(s, tags, concept) || s.text.slice(0, 60), via: concept, ...(object ? { object } : {}) });

  if (f.has('withdraw') && (f.has('withdraw_object') || f.has('beta') || f.has('production') || f.has('test'))) say('withdrawal', 'clear', 'withdraw');
  if (f.has('withdraw') && f.has('we') && (f.has('consent') || f.has('participate') || f.has('approve'))) say('withdrawal', 'clear', 'withdraw');

  const permitsAccess = f.has('permit') && (f.has('access') || f.has('proceed'));
  if (f.has('production')) {
    if (a.clear || permitsAccess || (f.has('consent') && !gaWording)) say('production_approval', 'clear', a.clear ? 'approve' : permitsAccess ? 'permit' : 'consent');
    else if (a.soft || f.has('signoff') || imperativeProceed(f) || readyTo(f)) say('production_approval', 'soft', f.has('soft_approve') ? 'soft_approve' : 'proceed');
  }
  if (f.has('test') && !f.has('production')) {
    if (f.has('agreement')) say('beta_agreement', 'clear', 'agreement');
    else if ((f.has('permit') || a.clear || f.has('consent')) && (f.has('access') || f.has('environment'))) say('beta_agreement', 'clear', f.has('permit') ? 'permit' : f.has('consent') ? 'consent' : 'approve');
  }
  if (f.has('beta') && (f.has('consent') || f.has('participate') || f.has('ready') || a.clear || a.soft)) {
    say('beta_site', a.soft && !a.clear && !f.has('consent') && !f.has('participate') ? 'soft' : 'clear', 'beta');
  }
  if ((f.has('works') && f.has('as_designed')) || f.has('satisfaction')) say('ga_signoff', 'clear', f.has('satisfaction') ? 'satisfaction' : f.has('signoff') ? 'signoff' : 'as_designed');
  else if (f.has('signoff') && !f.has('production') && !f.has('test')) say('ga_signoff', 'clear', 'signoff');
  else if (f.has('general_availability') && (a.clear || a.soft || f.has('ready'))) say('ga_signoff', 'clear', 'general_availability');
  return out;
}

const DETERMINERS = new Set(['the', 'our', 'your', 'their', 'a', 'an', 'this', 'that', 'la', 'el', 'le', 'les', 'los', 'las', 'die', 'der', 'das', 'den', "l'"]);

/**
 * The name right after an approving verb, when it is capitalised and none of our words ("we
 * approve MediTrack Pro for production"): what the client names as approved, so that an app the
 * registry does not know is not mistaken for the one the thread is about.
 */
function objectName(s: Sentence, tags: readonly Tag[]): string | null {
  const verb = tags.find((t) => t.concept === 'approve');
  if (!verb) return null;
  let i = verb.end;
  while (i < s.tokens.length && DETERMINERS.has(s.tokens[i]!.norm)) i++;
  const words: string[] = [];
  for (; i < s.tokens.length && words.length < 4; i++) {
    const t = s.tokens[i]!;
    if (!/^\p{Lu}/u.test(t.text) || tags.some((g) => g.start <= i && i < g.end)) break;
    words.push(t.text);
  }
  return words.length > 0 ? words.join(' ') : null;
}

function roleOf(s: Sentence, tags: Tag[], evidence: boolean, cues: Cue[]): SentenceRole {
  if (cues.length > 0) return 'hold';
  if (evidence) return 'approval';
  const courtesy = tags.filter((t) => t.concept === 'courtesy').reduce((n, t) => n + (t.end - t.start), 0);
  if (courtesy > 0 && courtesy * 2 >= s.tokens.length) return 'courtesy';
  if (s.tokens.length <= 8) return 'short_line';
  return 'remark';
}

/**
 * Reads what the client newly wrote, sentence by sentence: which intents it states, on what
 * evidence, and every sentence that holds anything back. Linear in the text: each sentence is
 * tagged once, and the rules look at a bounded neighbourhood of each tag.
 */
export function classifyText(newText: string, lex: Lexicon): Classification {
  const matched: Match[] = [];
  const blockers: Blocker[] = [];
  const sentences: Classification['sentences'] = [];
  for (const s of splitSentences(newText)) {
    const tags = tagTokens(s.tokens, lex);
    const cues = readCues(s, tags);
    const evidence = evidenceOf(s, tags, cues.length > 0);
    const text = s.text.slice(0, 400);
    if (cues.length > 0) {
      const c = cues[0]!;
      if (evidence.length === 0) blockers.push({ kind: c.kind, of: null, cue: c.cue, sentence: text });
      for (const e of evidence) blockers.push({ kind: c.kind, of: e.of, cue: c.cue, sentence: text });
    } else for (const e of evidence) matched.push({ ...e, sentence: text });
    sentences.push({ text, role: roleOf(s, tags, evidence.length > 0, cues) });
  }
  return resolve(matched, blockers, sentences);
}

function resolve(matched: Match[], blockers: Blocker[], sentences: Classification['sentences']): Classification {
  const betaParts: BetaConsentParts = {
    testDatabaseAgreement: matched.some((m) => m.of === 'beta_agreement'),
    betaSiteConsent: matched.some((m) => m.of === 'beta_site'),
  };
  const all = [...matched.map((m) => m.of), ...blockers.flatMap((b) => (b.of ? [b.of] : []))];
  let found = [...new Set(all.map(toIntent))];
  // "We were glad to be a beta site; the app works as designed": a beta site named as the
  // background of another step is context, not a second request. An agreement is not.
  const onlySiteContext = !all.includes('beta_agreement') && (found.includes('production_approval') || found.includes('ga_signoff'));
  if (onlySiteContext) found = found.filter((i) => i !== 'beta_consent');
  // "It works as expected in our test environment, so we approve production": how the app works is
  // the reason for a production approval, unless the mail also signs off or declares GA.
  const gaOnlyByWorking = matched.filter((m) => m.of === 'ga_signoff').every((m) => m.via === 'as_designed');
  if (found.includes('production_approval') && found.includes('ga_signoff') && gaOnlyByWorking) found = found.filter((i) => i !== 'ga_signoff');

  let intent: Intent = 'other';
  if (found.includes('withdrawal')) intent = 'withdrawal';
  else if (found.length > 0) intent = found[0]!;

  let confidence = 0;
  if (intent !== 'other') {
    const own = matched.filter((m) => toIntent(m.of) === intent);
    const strength = (ms: Match[]) => (ms.some((m) => m.strength === 'clear') ? 0.9 : ms.length > 0 ? 0.7 : 0.2);
    if (intent === 'beta_consent') {
      const parts = [own.filter((m) => m.of === 'beta_agreement'), own.filter((m) => m.of === 'beta_site')];
      confidence = parts.every((p) => p.length > 0) ? Math.min(strength(parts[0]!), strength(parts[1]!)) : own.length > 0 ? 0.5 : 0.2;
    } else confidence = strength(own);
    if (blockers.length > 0) confidence = Math.min(confidence, 0.3);
    if (found.filter((i) => i !== 'withdrawal').length > 1) confidence = Math.min(confidence, 0.4);
  }
  return { intent, confidence, matched, blockers, betaParts, intentsFound: found, sentences };
}
