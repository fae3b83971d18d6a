/**
 * What the client newly wrote: the message text without quoted history, signature and legal
 * disclaimer. The removed parts are kept (as evidence for staff), never used for the decision.
 */
export interface NewText {
  newText: string;
  quoted: string;
  signature: string;
  disclaimer: string;
}

// Quote headers: "On <date>, <person> wrote:" and its translations; checked on one line or two joined.
const QUOTE_HEADER = [
  /^on\b.{0,300}\bwrote:?\s*$/i,
  /^am\b.{0,300}\bschrieb\b.{0,120}:?\s*$/i,
  /^le\b.{0,300}\ba (é|e)crit\s*:?\s*$/i,
  /^el\b.{0,300}\bescribi(ó|o)\s*:?\s*$/i,
  /^il\b.{0,300}\bha scritto\s*:?\s*$/i,
  /^op\b.{0,300}\bschreef\b.{0,120}:?\s*$/i,
  /^.{0,300}\b(wrote|écrit|schrieb|escribió|scritto|schreef|napisał|skrev|kirjoitti|escreveu|написал)\s*:\s*$/i,
];
const SEPARATORS = [
  /^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale)\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
  /^-{3,}\s*forwarded message\s*-{3,}\s*$/i,
  /^begin forwarded message:?\s*$/i,
  /^-{5,}\s*$/,
];
// Outlook writes "From: … / Sent: … / To: … / Subject: …" (sometimes bold in the HTML, "*From:*" in text).
const OUTLOOK_FROM = /^\s*\*?(from|von|de|da|van|od)\s*:\*?\s+\S/i;
const OUTLOOK_FIELD = /^\s*\*?(sent|date|gesendet|envoyé|enviado|inviato|verzonden|to|an|à|para|a|aan|subject|betreff|objet|asunto|oggetto|onderwerp|cc)\s*:\*?/i;

const SIGNATURE_START = [
  /^--\s?$/,
  /^(sent from my|sent from mail for|sent from outlook|sent via|get outlook for|sent from yahoo mail|von meinem .* gesendet|envoyé de mon)\b/i,
];
const DISCLAIMER = /\b(confidential(ity)?( notice)?|privileged|intended (solely |only )?for the (use|addressee|recipient)|if you (are not|have received this)|protected health information|hipaa|this (e-?mail|message|communication) (and any|may contain|is intended))\b/i;

function isQuoteHeader(line: string, next: string | undefined): boolean {
  const l = line.trim();
  if (l.length === 0) return false;
  if (QUOTE_HEADER.some((r) => r.test(l))) return true;
  // Gmail and Apple wrap a long "On … wrote:" over two lines.
  if (next !== undefined && /^(on|am|le|el|il|op)\b/i.test(l) && !/[.!?]$/.test(l) && l.length < 200) {
    const joined = `${l} ${next.trim()}`;
    return QUOTE_HEADER.slice(0, 6).some((r) => r.test(joined));
  }
  return false;
}

function isOutlookBlock(lines: string[], i: number): boolean {
  if (!OUTLOOK_FROM.test(lines[i]!)) return false;
  let fields = 0;
  for (let j = i + 1; j < Math.min(lines.length, i + 8); j++) {
    if (OUTLOOK_FIELD.test(lines[j]!)) fields++;
    if (fields >= 2) return true;
  }
  return false;
}

export function extractNewText(text: string): NewText {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isQuoteHeader(line, lines[i + 1]) || SEPARATORS.some((r) => r.test(line.trim())) || isOutlookBlock(lines, i)) {
      cut = i;
      break;
    }
  }
  const head = lines.slice(0, cut);
  const quotedParts: string[] = [];
  const kept: string[] = [];
  for (const line of head) {
    if (/^\s*>/.test(line)) quotedParts.push(line);
    else kept.push(line);
  }
  quotedParts.push(...lines.slice(cut));

  let sigAt = kept.findIndex((l) => SIGNATURE_START.some((r) => r.test(l.trim())));
  if (sigAt < 0) sigAt = kept.length;
  const body = kept.slice(0, sigAt);
  const signature = kept.slice(sigAt).join('\n').trim();

  // A disclaimer is a paragraph of legal boilerplate after the message; drop it and what follows.
  const paragraphs = body.join('\n').split(/\n\s*\n/);
  let discAt = paragraphs.length;
  for (let p = 1; p < paragraphs.length; p++) {
    if (paragraphs[p]!.length >= 100 && DISCLAIMER.test(paragraphs[p]!)) {
      discAt = p;
      break;
    }
  }
  return {
    newText: paragraphs.slice(0, discAt).join('\n\n').trim(),
    quoted: quotedParts.join('\n').trim(),
    signature,
    disclaimer: paragraphs.slice(discAt).join('\n\n').trim(),
  };
}
