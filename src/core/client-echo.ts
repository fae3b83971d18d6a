/**
 * What a sender wrote, made safe to print in mail Countersign sends. Staff act on what a notification
 * says, so nothing a sender controls may look like Countersign's own words: header values we echo
 * become one line, and the text they wrote is quoted line by line (the caller fences it).
 */

/**
 * Never printed: C0 and C1 controls (CR, LF, TAB, ESC…) and DEL, the Unicode line and paragraph
 * separators and NEL, which some readers break lines at, and the bidirectional controls that reorder
 * what a reader sees (the "Trojan Source" trick, CVE-2021-42574), and the byte-order mark.
 */
const UNSAFE = /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;
/** A lone surrogate cannot be encoded as UTF-8; it becomes the replacement character. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** How much of each echoed header value is printed (RFC 5322 §2.1.1 allows 998 characters a line). */
export const ECHO_LIMITS = { subject: 200, address: 320, date: 100, messageId: 250 } as const;

/** At most `max` characters (code points), the last one an ellipsis when something was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // A code point is one or two UTF-16 units: this slice holds more than `max` of them unless it is all of the text.
  const points = Array.from(text.slice(0, max * 2 + 2));
  if (points.length <= max && text.length <= max * 2 + 2) return text;
  return `${points.slice(0, max - 1).join('')}…`;
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bq])\?([^?\s]*)\?=/gi;

function decodeWord(word: string, charset: string, encoding: string, text: string): string {
  try {
    const bytes =
      encoding.toLowerCase() === 'b'
        ? Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
        : Uint8Array.from(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})|[\s\S]/gi, (m, hex: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : m)), (c) => c.charCodeAt(0) & 0xff);
    // RFC 2231 §5: a language may follow the charset after '*'.
    return new TextDecoder(charset.split('*')[0]!.toLowerCase()).decode(bytes);
  } catch {
    return word; // an unknown charset or bad base64: left as written (and defused below)
  }
}

/**
 * RFC 2047 encoded words decoded. mailparser decodes each header once; a value still holding encoded
 * words was encoded twice on purpose, and a mail reader would decode what we print — to CR LF, say —
 * so we decode it (a few rounds) before cleaning, and defuse whatever still looks like one.
 */
function decodeEncodedWords(value: string): string {
  let out = value;
  for (let round = 0; round < 3 && out.includes('=?'); round++) {
    // White space between two encoded words is not part of the text (RFC 2047 §6.2).
    out = out.replace(/(\?=)\s+(?==\?)/g, '$1').replace(ENCODED_WORD, decodeWord);
  }
  return out.replaceAll('=?', '= ?');
}

/**
 * A header value as one safe line: encoded words decoded (mailparser decodes them once, and a decoded
 * word may hold CR LF), `mask` applied to the decoded text (identifiers, before anything can cut one),
 * controls and line breaks turned into spaces, whitespace collapsed, truncated to `max`.
 */
export function echoHeaderValue(value: string | null | undefined, max: number, mask: (text: string) => string = (t) => t): string {
  const decoded = mask(decodeEncodedWords(value ?? ''));
  return truncate(decoded.replace(LONE_SURROGATE, '\ufffd').replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim(), max);
}

/**
 * The sender's text, every line prefixed `> ` (RFC 3676 §4.5 quoting) so no line of it can pass for a
 * line of ours — a fake "Why:" section, a fake "Reply APPROVE" — whatever it contains. Controls are
 * removed within lines; every kind of line break becomes a quoted line; at most `maxChars` are kept.
 */
export function quoteClientText(text: string, maxChars: number): string {
  const lines = truncate(text, maxChars)
    .replace(LONE_SURROGATE, '\ufffd')
    .split(/\r\n|[\r\n\u000b\u000c\u0085\u2028\u2029]/)
    .map((l) => l.replace(UNSAFE, ' ').trimEnd());
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  while (lines.length > 0 && lines[0] === '') lines.shift();
  return lines.map((l) => (l ? `> ${l}` : '>')).join('\n');
}
