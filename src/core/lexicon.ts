import { foldWord } from './normalize-text.js';
import { tokenize, type Token } from './sentences.js';

/** Every concept the word lists name; the rules in classify.ts combine them. */
export const CONCEPTS = [
  // approvals.yaml
  'approve',
  'approval_noun',
  'ownership',
  'soft_approve',
  'permit',
  'consent',
  'proceed',
  'go_ahead',
  'ready',
  'we',
  // subjects.yaml
  'production',
  'test',
  'environment',
  'agreement',
  'access',
  'beta',
  'beta_role',
  'participate',
  // ga-signoff.yaml
  'works',
  'as_designed',
  'satisfaction',
  'signoff',
  'general_availability',
  // withdrawal.yaml
  'withdraw',
  'withdraw_object',
  // holds.yaml
  'negation',
  'wait',
  'condition',
  'modal',
  'question',
  'sarcasm',
  'question_start',
  // courtesies.yaml
  'courtesy',
] as const;
export type Concept = (typeof CONCEPTS)[number];
export const LANGUAGES = ['en', 'es', 'fr', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The word lists as staff write them: concept → language → entries. */
export type WordLists = Record<Concept, Partial<Record<Language, readonly string[]>>>;

/** One entry, folded into the words it matches. A `*` word matches by prefix (`approv*`) or suffix (`*datenbank`). */
interface Entry {
  concept: Concept;
  words: string[];
}

export interface Lexicon {
  /** Entries by their first word (exact), for runs and single words. */
  byFirst: ReadonlyMap<string, readonly Entry[]>;
  /** Single-word prefix entries by prefix, and the prefix lengths to try. */
  prefixes: ReadonlyMap<string, readonly Concept[]>;
  prefixLengths: readonly number[];
  suffixes: ReadonlyMap<string, readonly Concept[]>;
  suffixLengths: readonly number[];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function compileLexicon(lists: WordLists): Lexicon {
  const byFirst = new Map<string, Entry[]>();
  const prefixes = new Map<string, Concept[]>();
  const suffixes = new Map<string, Concept[]>();
  // The same word for the same concept in several languages ("?", "beta", "test") is one entry.
  const seen = new Set<string>();
  const add = (first: string, e: Entry) => {
    const key = `${e.concept}|${e.words.join(' ')}`;
    if (seen.has(key)) return;
    seen.add(key);
    push(byFirst, first, e);
  };
  for (const concept of CONCEPTS) {
    for (const entries of Object.values(lists[concept] ?? {})) {
      for (const raw of entries ?? []) {
        const e = raw.trim();
        if (!e) continue;
        if (!e.includes(' ') && e.length > 1 && e.endsWith('*')) {
          const p = foldWord(e.slice(0, -1));
          if (!prefixes.get(p)?.includes(concept)) push(prefixes, p, concept);
          continue;
        }
        if (!e.includes(' ') && e.length > 1 && e.startsWith('*')) {
          const x = foldWord(e.slice(1));
          if (!suffixes.get(x)?.includes(concept)) push(suffixes, x, concept);
          continue;
        }
        // An elided article or negation ("n'", "s'") is a word of its own, apostrophe included.
        const words = /^\p{L}{1,2}'$/u.test(e) ? [foldWord(e)] : tokenize(e).map((t) => t.norm);
        if (words.length === 0) continue;
        add(words[0]!, { concept, words });
        // "thumbs up" is also written "thumbs-up", and "go-live" also "go live".
        if (words.length > 1) add(words.join('-'), { concept, words: [words.join('-')] });
        else if (words[0]!.includes('-')) {
          const parts = words[0]!.split('-');
          add(parts[0]!, { concept, words: parts });
        }
      }
    }
  }
  const lengths = (m: Map<string, unknown>) => [...new Set([...m.keys()].map((k) => k.length))].sort((a, b) => a - b);
  return { byFirst, prefixes, prefixLengths: lengths(prefixes), suffixes, suffixLengths: lengths(suffixes) };
}

/** A concept found in a sentence, over tokens [start, end). */
export interface Tag {
  concept: Concept;
  start: number;
  end: number;
}

/**
 * Every concept each run of words carries. Each token is looked up a bounded number of times (its
 * entries by first word, one prefix and suffix probe per listed length), so the cost is linear in
 * the length of the text whatever it holds.
 */
export function tagTokens(tokens: readonly Token[], lex: Lexicon): Tag[] {
  const tags: Tag[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const whole = tokens[i]!.norm;
    // A hyphenated compound is read by its parts ("Enterprise-Produktionsumgebung") unless the
    // lists name it whole ("non-production" is a test environment, not production).
    if (tagWord(tokens, i, whole, true, lex, tags) || !whole.includes('-')) continue;
    for (const part of whole.split('-').slice(0, 4)) if (part.length > 1) tagWord(tokens, i, part, false, lex, tags);
  }
  return tags;
}

/** Tags the entries that word `w` at token i starts; true when an entry matched it by its exact form. */
function tagWord(tokens: readonly Token[], i: number, w: string, whole: boolean, lex: Lexicon, tags: Tag[]): boolean {
  let exact = false;
  for (const e of lex.byFirst.get(w) ?? []) {
    if (i + e.words.length > tokens.length || (!whole && e.words.length > 1)) continue;
    let ok = true;
    for (let k = 1; k < e.words.length; k++) {
      if (tokens[i + k]!.norm !== e.words[k]) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    tags.push({ concept: e.concept, start: i, end: i + e.words.length });
    exact ||= e.words.length === 1;
  }
  for (const n of lex.prefixLengths) {
    if (n > w.length) break;
    for (const concept of lex.prefixes.get(w.slice(0, n)) ?? []) tags.push({ concept, start: i, end: i + 1 });
  }
  for (const n of lex.suffixLengths) {
    if (n > w.length) break;
    for (const concept of lex.suffixes.get(w.slice(w.length - n)) ?? []) tags.push({ concept, start: i, end: i + 1 });
  }
  return exact;
}
