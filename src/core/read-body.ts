import { classifyText, type Classification } from './classify.js';
import type { Lexicon } from './lexicon.js';
import { extractNewText, type NewText } from './new-text.js';
import { invisibleInWord, mixedScriptWord, normalizeText, reorderedLine } from './normalize-text.js';

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
  /** A line holding an approval or a hold that a reader may see in another order than it is written (see reorderedLine), or null. */
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
  const classification = classifyText(newText, lex);
  return { text, classification, tooLong, mixedScript: mixedScriptWord(newText), invisible: invisibleInWord(capped), reordered: reorderedLine(capped, decides(classification)) };
}

/** Whether a body line carries a sentence the decision rests on: an approval or a hold. */
function decides(c: Classification): (line: string) => boolean {
  const sentences = c.sentences.filter((s) => s.role === 'approval' || s.role === 'hold').map((s) => s.text.trim());
  return (line) => {
    const l = normalizeText(line).trim();
    return l !== '' && sentences.some((s) => l.includes(s) || s.includes(l));
  };
}

/** Approval wording in text a reader cannot see, or null: a sign that someone meant to mislead the bot. */
export function readHidden(hidden: string, lex: Lexicon): string | null {
  const c = classifyText(normalizeText(hidden.slice(0, MAX_NEW_TEXT_CHARS)), lex);
  const found = [...c.matched, ...c.blockers.filter((b) => b.of !== null)];
  return found.length > 0 ? found[0]!.sentence.slice(0, 200) : null;
}
