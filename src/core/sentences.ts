import { foldWord } from './normalize-text.js';

/** One word (or a `?` / `¿`) of a sentence, with its folded form for comparison. */
export interface Token {
  text: string;
  /** Lower case, no diacritics, plain apostrophe. */
  norm: string;
}

export interface Sentence {
  text: string;
  tokens: Token[];
}

// A word: letters/digits with inner apostrophes, hyphens or dots ("don't", "go-live", "v2.1"), or a
// question mark. One pass, no nested quantifier over overlapping classes: linear in the input.
const TOKEN = /[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*|[?¿]/gu;
// French elisions (n'hésitez, l'application, d'accord, qu'il) are two words; English contractions
// (don't, we're, it's) stay one.
const ELISION = /^(n|l|d|j|s|c|m|t|qu)'(.+)$/i;

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const t = m[0];
    const el = ELISION.exec(t);
    if (el && el[2]!.length > 2 && !/^(t|s)$/i.test(el[2]!)) {
      out.push({ text: `${el[1]}'`, norm: `${foldWord(el[1]!)}'` });
      out.push({ text: el[2]!, norm: foldWord(el[2]!) });
    } else out.push({ text: t, norm: foldWord(t) });
  }
  return out;
}

const LIST_ITEM = /^\s*(?:[-*•·▪◦]|\(?\d{1,2}[.)]|\(?[a-h][.)])\s+/;
const SENTENCE_END = /[.!?;:]["')\]]?\s*$/;
// A sentence ends at . ! ? ; followed by a space, unless the dot belongs to a short abbreviation or
// a number. Written without backtracking: the split is a plain scan.
const ABBREVIATIONS = new Set(['dr', 'mr', 'mrs', 'ms', 'st', 'e.g', 'i.e', 'etc', 'vs', 'no', 'inc', 'ltd', 'co', 'jr', 'sr', 'approx', 'dept', 'p.s', 'ps']);

function splitLine(line: string, out: string[]): void {
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c !== '.' && c !== '!' && c !== '?' && c !== ';' && c !== '…') continue;
    let j = i + 1;
    while (j < line.length && (line[j] === '.' || line[j] === '!' || line[j] === '?' || line[j] === '"' || line[j] === ')' || line[j] === "'")) j++;
    if (j < line.length && line[j] !== ' ' && line[j] !== '\t') {
      i = j - 1;
      continue;
    }
    if (c === '.') {
      const before = /([\p{L}.]+)$/u.exec(line.slice(Math.max(start, i - 8), i))?.[1]?.toLowerCase() ?? '';
      if (ABBREVIATIONS.has(before) || /^\p{L}$/u.test(before)) {
        i = j - 1;
        continue;
      }
    }
    const s = line.slice(start, j).trim();
    if (s) out.push(s);
    start = j;
    i = j - 1;
  }
  const rest = line.slice(start).trim();
  if (rest) out.push(rest);
}

/**
 * The sentences of a text. Lines of one paragraph are joined when the earlier one was wrapped (long
 * and without end punctuation); a short line without end punctuation (a greeting, a name, a title)
 * and every list item stand alone, so a signature line never joins a sentence.
 */
export function splitSentences(text: string): Sentence[] {
  const units: string[] = [];
  let current = '';
  const flush = () => {
    if (current.trim()) units.push(current.trim());
    current = '';
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+/g, ' ').trim();
    if (!line) {
      flush();
      continue;
    }
    if (LIST_ITEM.test(line)) flush();
    current = current ? `${current} ${line}` : line;
    if (SENTENCE_END.test(line) || line.length < 50) flush();
  }
  flush();
  const sentences: string[] = [];
  for (const u of units) splitLine(u.replace(LIST_ITEM, ''), sentences);
  return sentences.map((s) => ({ text: s, tokens: tokenize(s) })).filter((s) => s.tokens.length > 0);
}
