import { classifyText, type Classification } from './classify.js';
import type { Lexicon } from './lexicon.js';
import { extractNewText, type NewText } from './new-text.js';
import { invisibleInWord, mixedScriptWord, normalizeText, rightToLeftControlAround, rightToLeftLetterAround } from './normalize-text.js';

/** The body text read at most: a person's approval fits many times over; beyond it, staff read. */
export const MAX_BODY_CHARS = 256 * 1024;
/** The client's new text read at most. */
export const MAX_NEW_TEXT_CHARS = 64 * 1024;

export interface BodyReading {
  text: NewText;
  classification: Classification;
  /** Set when the body or its new text was longer than what is read. */
  tooLong: { length: number; limit: number } | null;
  /** A word mixing Latin with look-alike letters, or null. */
  mixedScript: string | null;
  /** A word with an invisible character inside it (zero-width space, soft hyphen, bidi control), or null. */
  invisible: string | null;
  /**
   * Where a right-to-left control stands anywhere in the body, or a right-to-left letter in the new
   * text (a reversed line in quoted history changes nothing the client says), or null: a reader may
   * see the words there in another order than they are written.
   */
  reordered: string | null;
}

/** One body (plain text, or the visible text of the HTML) read as a person reads it: bounded in size and time. */
export function readBody(body: string, lex: Lexicon): BodyReading {
  const capped = body.length > MAX_BODY_CHARS ? body.slice(0, MAX_BODY_CHARS) : body;
  const text = extractNewText(normalizeText(capped));
  let tooLong: BodyReading['tooLong'] = null;
  if (body.length > MAX_BODY_CHARS) tooLong = { length: body.length, limit: MAX_BODY_CHARS };
  else if (text.newText.length > MAX_NEW_TEXT_CHARS) tooLong = { length: text.newText.length, limit: MAX_NEW_TEXT_CHARS };
  const newText = text.newText.slice(0, MAX_NEW_TEXT_CHARS);
  return { text, classification: classifyText(newText, lex), tooLong, mixedScript: mixedScriptWord(newText), invisible: invisibleInWord(capped), reordered: rightToLeftControlAround(capped) ?? rightToLeftLetterAround(newText) };
}

/** Approval wording in text a reader cannot see, or null: a sign that someone meant to mislead the bot. */
export function readHidden(hidden: string, lex: Lexicon): string | null {
  const c = classifyText(normalizeText(hidden.slice(0, MAX_NEW_TEXT_CHARS)), lex);
  const found = [...c.matched, ...c.blockers.filter((b) => b.of !== null)];
  return found.length > 0 ? found[0]!.sentence.slice(0, 200) : null;
}
