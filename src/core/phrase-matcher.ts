/**
 * Compiles the staff-readable phrase syntax (see src/core/phrases/README.md) to regular expressions.
 * Every construct is bounded, so a hostile message cannot make matching slow.
 */
export interface CompiledPhrase {
  source: string;
  re: RegExp;
}

const GAP = "\\W+(?:[\\w'’-]+\\W+){0,8}?";

/** Index of the `)` closing the group opened at `open`, or -1. */
function closingParen(p: string, open: number): number {
  let depth = 0;
  for (let j = open; j < p.length; j++) {
    if (p[j] === '(') depth++;
    else if (p[j] === ')' && --depth === 0) return j;
  }
  return -1;
}

export function compilePhrase(phrase: string): CompiledPhrase {
  let out = '';
  const p = phrase.trim();
  // Closing parens of optional groups preceded by a space: the space belongs inside the option,
  // so that "production (database)?" also matches "production" followed by anything.
  const optionalCloses = new Set<number>();
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === ' ' && p[i + 1] === '(' && !p.startsWith(' ... ', i)) {
      const close = closingParen(p, i + 1);
      if (close > 0 && p[close + 1] === '?') {
        optionalCloses.add(close);
        out += '(?:\\W+(?:';
        i += 1;
        continue;
      }
    }
    if (optionalCloses.has(i)) {
      out += '))';
      continue;
    }
    if (p.startsWith(' ... ', i)) {
      out += GAP;
      i += 4;
    } else if (p.startsWith('...', i)) {
      out += GAP;
      i += 2;
    } else if (c === '(') out += '(?:';
    else if (c === ')' || c === '|' || c === '?' || c === '[' || c === ']') out += c;
    else if (c === '*') out += "[\\w'’-]*";
    else if (c === ' ') out += '\\W+';
    else if (/[\w'’-]/.test(c)) out += c === '-' && p[i - 1] !== '[' ? '-' : c;
    else out += `\\${c}`;
  }
  return { source: phrase, re: new RegExp(`(?<![\\w])${out}(?![\\w])`, 'iu') };
}

export const compilePhrases = (list: readonly string[]): CompiledPhrase[] => list.map(compilePhrase);

export interface PhraseHit {
  phrase: string;
  text: string;
  start: number;
  end: number;
}

export function findPhrase(sentence: string, phrases: readonly CompiledPhrase[]): PhraseHit | null {
  for (const p of phrases) {
    const m = p.re.exec(sentence);
    if (m) return { phrase: p.source, text: m[0], start: m.index, end: m.index + m[0].length };
  }
  return null;
}
