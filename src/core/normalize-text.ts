/**
 * Text as a reader sees it, made comparable: NFKC (full-width and compatibility forms fold to their
 * plain letters), invisible characters removed (zero-width spaces and joiners, soft hyphens, word
 * joiners, byte-order marks, bidi controls), typographic apostrophes and dashes made plain. A
 * reader sees "app\u200Broved" as "approved", so we read it that way too; a word that mixes Latin
 * with Cyrillic or Greek letters, which a reader cannot tell apart, is reported instead.
 */

// U+00AD soft hyphen, U+180E, U+200B-U+200F (zero-width, LRM/RLM), U+202A-U+202E (bidi embeddings),
// U+2060-U+2064, U+2066-U+2069 (bidi isolates), U+FEFF (BOM / zero-width no-break space), U+034F.
const INVISIBLE = /[\u00AD\u034F\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
const APOSTROPHES = /[\u2018\u2019\u02BC\u2032\u0060\u00B4]/g;
const QUOTES = /[\u201C\u201D\u201E\u00AB\u00BB]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;
const SPACES = /[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g;

export function normalizeText(text: string): string {
  // Apostrophes first: NFKC turns U+00B4 into a space and a combining accent, and "don´t" would
  // lose its negation.
  return text.replace(APOSTROPHES, "'").normalize('NFKC').replace(INVISIBLE, '').replace(QUOTES, '"').replace(DASHES, '-').replace(SPACES, ' ');
}

/** Lower case without diacritics: the form words are compared in ("producción" → "produccion"). */
export function foldWord(word: string): string {
  return word
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss');
}

// An invisible character between two letters: nobody types one, and it splits a word for a
// program while a reader still sees the word whole. A sign of text made to slip past filters.
const INVISIBLE_IN_WORD = /\p{L}[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]{1,8}\p{L}/u;

/** The first word with an invisible character inside it, shown with the character as `·`, or null. */
export function invisibleInWord(text: string): string | null {
  return around(text, INVISIBLE_IN_WORD);
}

/** The first match with twelve characters of context either side, invisible characters shown as `·`, or null. */
function around(text: string, re: RegExp): string | null {
  const m = re.exec(text);
  if (!m) return null;
  return text
    .slice(Math.max(0, m.index - 12), m.index + m[0].length + 12)
    .replace(INVISIBLE, '·')
    .replace(/\s+/g, ' ')
    .trim();
}

// What can make a reader see words in another order than they are written (Unicode's bidi
// algorithm, UAX #9): a control that runs text right to left (RLM U+200F, RLE U+202B, RLO U+202E,
// RLI U+2067), or a right-to-left letter (Hebrew, Arabic, Syriac, Thaana, N'Ko and the other
// right-to-left scripts; ALM U+061C is among them). "does \u202Eton\u202C approve" shows "does not
// approve". Text with none of them cannot be reordered: all its letters run left to right, and so
// does every paragraph, whatever LRE/PDF or LRI/PDI phones put around phone numbers.
/** The right-to-left blocks, for a regular expression's character class (with the `u` flag). */
export const RTL_LETTER_RANGES = '\\u0590-\\u08FF\\uFB1D-\\uFDFF\\uFE70-\\uFEFE\\u{10800}-\\u{10FFF}\\u{1E800}-\\u{1EFFF}';
const RTL_CONTROL = /[\u200F\u202B\u202E\u2067]/;
const RTL_LETTER = new RegExp(`[${RTL_LETTER_RANGES}]`, 'u');

/** Where the text first holds a control that runs text right to left, with twelve characters of context (controls shown as `·`), or null. */
export function rightToLeftControlAround(text: string): string | null {
  return around(text, RTL_CONTROL);
}

/** Where the text first holds a right-to-left letter, with twelve characters of context, or null. */
export function rightToLeftLetterAround(text: string): string | null {
  return around(text, RTL_LETTER);
}

// Runs opened by LRE/RLE/LRO/RLO/LRI/RLI/FSI and closed by PDF/PDI: a right-to-left run that a
// rendering spreads over several lines reorders each of them.
const RUN_OPEN = /[\u202A\u202B\u202D\u202E\u2066-\u2068]/;
const RTL_OPEN = /[\u202B\u202E\u2067]/;
const RUN_CLOSE = /[\u202C\u2069]/;
const MAX_REORDERED_LINES = 1000;
const ANY_BIDI = new RegExp(`[\\u200F\\u202A-\\u202E\\u2066-\\u2069${RTL_LETTER_RANGES}]`, 'u');

/**
 * The first line a reader may see in another order than it is written and that `decides` (it
 * holds an approval or a hold), shown with twelve characters of context, or null. A line can be
 * reordered only by what stands in it, a right-to-left control, mark or letter, or by a
 * right-to-left run still open from a line above: the bidi algorithm reorders within a paragraph,
 * and a line of left-to-right words and spaces keeps its order whatever the paragraph's direction
 * (UAX #9). So a bilingual signature or a Hebrew "Sent from my iPhone" reorders nothing the
 * decision rests on.
 */
export function reorderedLine(text: string, decides: (line: string) => boolean): string | null {
  if (!ANY_BIDI.test(text)) return null;
  // The open runs, as UAX #9 keeps them: at most 125 deep (deeper openers overflow and are
  // ignored), and how many of them run right to left, so each line costs its own length only.
  const runs: boolean[] = [];
  let rtlRuns = 0;
  let seen = 0;
  for (const line of text.split('\n')) {
    let reordered = rtlRuns > 0;
    if (ANY_BIDI.test(line)) {
      for (const ch of line) {
        if (RUN_OPEN.test(ch)) {
          const rtl = RTL_OPEN.test(ch);
          reordered ||= rtl;
          if (runs.length < 125) {
            runs.push(rtl);
            if (rtl) rtlRuns++;
          }
        } else if (RUN_CLOSE.test(ch)) {
          if (runs.pop()) rtlRuns--;
        } else reordered ||= RTL_CONTROL.test(ch) || RTL_LETTER.test(ch);
      }
    }
    // Past MAX_REORDERED_LINES such lines, no English approval is being read: flagged without asking
    // which lines decide, which keeps a hostile body's cost linear.
    if (reordered && (++seen > MAX_REORDERED_LINES || decides(line))) return around(line, ANY_BIDI) ?? line.replace(/\s+/g, ' ').trim().slice(0, 40);
  }
  return null;
}

const LATIN = /\p{Script=Latin}/u;
const LOOKALIKE_SCRIPT = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;
const WORDS = /[\p{L}\p{M}]{2,}/gu;

/** The first word that mixes Latin letters with Cyrillic or Greek ones ("аpproved" with a Cyrillic а), or null. */
export function mixedScriptWord(text: string): string | null {
  for (const m of text.matchAll(WORDS)) {
    const w = m[0];
    if (LATIN.test(w) && LOOKALIKE_SCRIPT.test(w)) return w.slice(0, 40);
  }
  return null;
}
