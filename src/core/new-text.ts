import { splitSentences } from './sentences.js';

/**
 * What the client newly wrote: the message text without quoted history and a trailing legal
 * notice. Everything else stays, wherever it stands: text written below a quote (bottom-posting,
 * inline answers), a signature, a paragraph that happens to say "confidential". When unsure whether
 * something is quoted, it is kept, so that a hold written there still blocks.
 */
export interface NewText {
  newText: string;
  quoted: string;
  /** Lines after an RFC 3676 §4.3 signature separator ("-- "); still part of newText. */
  signature: string;
  disclaimer: string;
}

// "On <date>, <person> wrote:" and its translations. An attribution names a date or an address,
// so a sentence of the client's own that ends "… wrote:" is not one.
const ATTRIBUTION_VERB = /\b(wrote|writes|schrieb|a écrit|a ecrit|escribió|escribio|ha scritto|schreef|napisał|skrev|kirjoitti|escreveu|написал)\s*:?\s*$/i;
const ATTRIBUTION_VERB_FIRST = /\b(schrieb|a écrit|a ecrit|escribió|escribio|ha scritto|schreef|napisał|escreveu)\b.{1,200}:\s*$/i;
const ATTRIBUTION_START = /^(on|am|le|el|il|op|em|den|w dniu)\b/i;
const HAS_DATE_OR_ADDRESS = /(\d{1,4}[:/.-]\d{1,2}|\b\d{4}\b|\b\d{1,2}:\d{2}\b|[^\s<>]+@[^\s<>]+\.[a-z]{2,}|\b(mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)/i;
const SEPARATOR = /^(-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|forwarded message|mensaje reenviado|message transféré|weitergeleitete nachricht)\s*-{2,}|begin forwarded message:?|début du message réexpédié\s*:?)\s*$/i;
// Outlook writes "From: … / Sent: … / To: … / Subject: …" (bold in HTML, "*From:*" in text).
const OUTLOOK_FROM = /^\s*\*?(from|von|de|da|van|od)\s*:\*?\s+\S/i;
const OUTLOOK_FIELD = /^\s*\*?(sent|date|gesendet|datum|envoyé|enviado|fecha|inviato|verzonden|to|an|à|para|a|aan|subject|betreff|objet|asunto|oggetto|onderwerp|cc)\s*:\*?/i;
const QUOTED_LINE = /^\s*>/;

// A legal notice: each of its sentences says one of these things. Two of them make a paragraph one.
const LEGAL_MARKERS = [
  /\bconfidential/i,
  /\bprivileged\b/i,
  /\bintended (solely |only )?(for|recipient)/i,
  /\b(if you (are not|have received)|received (this|it) in error|in error,)/i,
  /\b(notify|contact) the sender\b/i,
  /\b(delete|destroy)\b.{0,40}\b(copies|message|e-?mail|it)\b/i,
  /\b(unauthori[sz]ed|prohibited|strictly forbidden)\b/i,
  /\b(protected health information|phi|hipaa|42 cfr)\b/i,
  /\b(disclos(e|ure)|dissemination|distribution|copying)\b/i,
  /\b(vertraulich|confidencial|confidentiel|destinataire|destinatario|empfänger)/i,
  /\b(in error|por error|par erreur|irrtümlich|versehentlich|fälschlich)/i,
  /\b(prohibid|interdit|untersagt|verboten|supprimer|eliminar|löschen|vernichten|détruire|destruir|notifíquelo|informer l'expéditeur|benachrichtigen)/i,
  /\b(forward|act on|rely on|copy|print|retain)\b.{0,30}\b(this|the|its) (message|e-?mail|communication|contents?)\b/i,
];
// A legal notice speaks of the message, never of the approval at hand: a sentence naming timing,
// the environments or the identifiers is the client's own, whatever markers it carries.
const NOT_LEGAL = /\b(yet|until|wait|hold|holding|pending|once|before|after|credentials?|identifiers?|ids?|production|prod|go-?live|environment|database|beta|pilot|sandbox|board|monday|tuesday|wednesday|thursday|friday|week|noch|todavía|encore)\b/i;
const SENT_FROM = /^(sent from my|sent from mail for|sent from outlook|sent via|get outlook for|sent from yahoo mail|von meinem .{1,40} gesendet|envoyé de mon|enviado desde mi)\b/i;

/** "Pat Quinn, Riverside Family Medicine <pm@riversidefm.org> wrote:" and the like fit well within this. */
const MAX_NAME_ATTRIBUTION = 200;

function isAttribution(line: string, next: string | undefined): boolean {
  const l = line.trim();
  if (l.length === 0 || l.length > 400) return false;
  // A line that does not open like one ("On …", "Am …") is an attribution only when short: a
  // flowed line (RFC 3676) can carry a long sentence of the client's in front of "Pat <pm@…> wrote:",
  // and that sentence (a hold, perhaps) must stay the client's text.
  if (ATTRIBUTION_VERB.test(l) && HAS_DATE_OR_ADDRESS.test(l) && (ATTRIBUTION_START.test(l) || (/@/.test(l) && l.length <= MAX_NAME_ATTRIBUTION))) return true;
  // "Am 20.11.2026 um 16:12 schrieb Pat Quinn <pm@…>:": German, French and Spanish put the verb
  // before the name.
  if (ATTRIBUTION_START.test(l) && ATTRIBUTION_VERB_FIRST.test(l) && HAS_DATE_OR_ADDRESS.test(l)) return true;
  // Gmail and Apple wrap a long attribution over two lines.
  if (next !== undefined && ATTRIBUTION_START.test(l) && !/[.!?]$/.test(l) && l.length < 200) {
    const joined = `${l} ${next.trim()}`;
    return ATTRIBUTION_VERB.test(joined) && HAS_DATE_OR_ADDRESS.test(joined) && joined.length < 400;
  }
  return false;
}

// A format=flowed line (RFC 3676 §4.2) that ended in a space is joined to the next one, so an
// "approve " typed above the attribution arrives as "approve On Mon, … wrote:". The attribution is
// split off again: a flowed line never swallows it.
// Only a capitalised opening word starts an attribution ("On", "Am", "Le", "El", "Il", "Op", as
// every mail client writes them): "hold off on production … On Fri, … wrote:" is not cut at "on
// production", which would move the client's hold into the quote; nor "10:02 AM" taken for German.
const JOINED_ATTRIBUTION = /^(.{1,400}?)\s+((?:On|Am|Le|El|Il|Op)\s.{10,300})$/;

// The same join swallows a signature separator: "approve " + "" + "-- " + "Jordan" arrives as
// "approve -- Jordan" (mailparser joins across it). A short tail after " -- " is split off again.
const JOINED_SIGNATURE = /^(.{1,200}?\S)\s+-- (.{1,60})$/;

function splitJoinedAttribution(line: string): string[] {
  // The cheap test first: the pattern's lazy prefix is tried at every length on every line.
  const sig = line.length <= 300 && line.includes('-- ') ? JOINED_SIGNATURE.exec(line.trim()) : null;
  if (sig) return [sig[1]!, '-- ', sig[2]!];
  if (line.length > 600 || !ATTRIBUTION_VERB.test(line)) return [line];
  const m = JOINED_ATTRIBUTION.exec(line.trim());
  return m && isAttribution(m[2]!, undefined) ? [m[1]!.trimEnd(), m[2]!] : [line];
}

function isOutlookBlock(lines: readonly string[], i: number): boolean {
  if (!OUTLOOK_FROM.test(lines[i]!)) return false;
  let fields = 0;
  for (let j = i + 1; j < Math.min(lines.length, i + 8); j++) if (OUTLOOK_FIELD.test(lines[j]!)) fields++;
  return fields >= 2;
}

// A short line may sit inside or before a legal notice (a name, "CONFIDENTIALITY NOTICE:", a rule
// line) unless it holds something back.
const SHORT_HOLD = /\?|\b(not|no|don'?t|wait|hold|until|yet|pending|stop|later|after|once|before|if|when|unless|only|maybe|perhaps|should|must|might|could|would|nicht|noch|nach|bevor|wenn|sobald|erst|pas|apr[eè]s|avant|si|quand|todav[ií]a|a[uú]n|despu[eé]s|antes|cuando)\b/i;

function legalLine(line: string): 'legal' | 'short' | 'other' {
  const sentences = splitSentences(line);
  const words = sentences.reduce((n, s) => n + s.tokens.length, 0);
  if (words <= 4) return SHORT_HOLD.test(line) ? 'other' : 'short';
  return sentences.every((s) => s.tokens.length <= 4 || (LEGAL_MARKERS.some((r) => r.test(s.text)) && !NOT_LEGAL.test(s.text))) ? 'legal' : 'other';
}

/**
 * Where a trailing legal notice starts in these lines, or lines.length when there is none: read from
 * the end, every line of it is legal text through and through (or a short line that holds nothing
 * back), and together they carry at least two markers in at least 120 characters.
 */
function legalNoticeStart(lines: readonly string[]): number {
  let firstLegal = lines.length;
  for (let i = lines.length - 1; i >= 0 && lines.length - i <= 80; i--) {
    const kind = legalLine(lines[i]!);
    if (kind === 'other') break;
    if (kind === 'legal') firstLegal = i;
  }
  if (firstLegal === lines.length) return lines.length;
  const block = lines.slice(firstLegal).join(' ');
  if (block.length < 120 || LEGAL_MARKERS.filter((r) => r.test(block)).length < 2) return lines.length;
  // Short lines above the notice (a signature) stay with the client's text.
  return firstLegal;
}

export function extractNewText(text: string): NewText {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .flatMap(splitJoinedAttribution);
  const kept: string[] = [];
  const quoted: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // Top-posted history: an Outlook header block, an "Original Message" separator or an
    // attribution not followed by ">" lines. Everything from there on is the earlier thread.
    const attribution = isAttribution(line, lines[i + 1]);
    if (attribution) {
      let j = i + 1;
      if (!ATTRIBUTION_VERB.test(line.trim())) j++;
      while (j < lines.length && lines[j]!.trim() === '') j++;
      quoted.push(...lines.slice(i, j));
      if (j < lines.length && QUOTED_LINE.test(lines[j]!)) {
        i = j - 1;
        continue;
      }
      quoted.push(...lines.slice(j));
      break;
    }
    if (SEPARATOR.test(line.trim()) || isOutlookBlock(lines, i)) {
      quoted.push(...lines.slice(i));
      break;
    }
    if (QUOTED_LINE.test(line)) quoted.push(line);
    else if (SENT_FROM.test(line.trim())) continue;
    else kept.push(line);
  }

  // A trailing legal notice (and only a trailing one) is not the client's words. Lines are read,
  // not paragraphs: HTML mail often has no blank line between a signature and its notice.
  while (kept.length > 0 && kept[kept.length - 1]!.trim() === '') kept.pop();
  const cut = legalNoticeStart(kept);
  const body = kept.slice(0, cut).join('\n').trim();
  const disclaimer = kept.slice(cut).join('\n').trim();
  const sigAt = body.search(/(^|\n)-- ?\n/);
  return {
    newText: body,
    quoted: quoted.join('\n').trim(),
    signature: sigAt >= 0 ? body.slice(sigAt).replace(/^\n?-- ?\n/, '').trim() : '',
    disclaimer,
  };
}
