import { PARSE_LIMIT_BYTES, PARSE_LIMIT_LINES } from './parse-limits.js';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { AttachmentInfo, InboundMail, MailAddress } from '../core/inbound-mail.js';
import { visibleHtml } from './visible-html.js';

const PARSE_OPTIONS = {
  // We render HTML ourselves (visible-html) where the decision needs it; mailparser's own
  // conversions and link rewriting are work we would throw away.
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepCidLinks: true,
  keepDeliveryStatus: true,
  checksumAlgo: false as const,
  maxHtmlLengthToParse: 2_000_000,
};

function addresses(v: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (!v) return [];
  const list = Array.isArray(v) ? v : [v];
  const out: MailAddress[] = [];
  const walk = (items: AddressObject['value']) => {
    for (const a of items) {
      if (a.group) walk(a.group);
      else out.push({ address: (a.address ?? '').trim().toLowerCase(), name: (a.name ?? '').trim() });
    }
  };
  for (const o of list) walk(o.value);
  return out;
}

/** Unfolds the raw header lines into name → values, topmost first. */
function headerMap(parsed: ParsedMail): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines) {
    const colon = line.indexOf(':');
    const value = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  }
  return map;
}

const MESSAGE_ID_LINE = /^(?:message-id|original-message-id)\s*:\s*(<[^>\r\n]+>)/gim;

/** Message-IDs named inside attached originals (bounces carry the returned message or its headers). */
function embeddedIds(parsed: ParsedMail): string[] {
  const ids = new Set<string>();
  for (const a of parsed.attachments) {
    if (!/^(message\/rfc822|text\/rfc822-headers|message\/delivery-status|message\/global|message\/global-headers)$/i.test(a.contentType)) continue;
    const head = a.content.subarray(0, 65_536).toString('latin1');
    for (const m of head.matchAll(MESSAGE_ID_LINE)) ids.add(m[1]!.trim());
  }
  return [...ids];
}

/** Parses a raw RFC 5322 message into our own type. Charsets and transfer encodings are mailparser's job. */
/** A message saved from an mbox starts with the envelope line `From sender date`; it is not a header. */
function withoutMboxLine(raw: Buffer): Buffer {
  if (raw.length < 5 || raw.toString('latin1', 0, 5) !== 'From ') return raw;
  const nl = raw.indexOf(0x0a);
  return nl < 0 ? raw : raw.subarray(nl + 1);
}

/** Where the parsed prefix ends: at most PARSE_LIMIT_BYTES, and no more than PARSE_LIMIT_LINES lines. */
function parseLimit(whole: Buffer): number {
  const end = Math.min(whole.length, PARSE_LIMIT_BYTES);
  let at = -1;
  for (let lines = 0; lines < PARSE_LIMIT_LINES; lines++) {
    at = whole.indexOf(0x0a, at + 1);
    if (at < 0 || at >= end) return end;
  }
  return at + 1;
}

/**
 * Parses what a person would read of a message. `size` is the whole message's size when `raw` is
 * only its first bytes (the decision worker is sent no more than is parsed: see decision-worker.ts).
 */
export async function parseMail(raw: Buffer, size: number = raw.length): Promise<InboundMail> {
  const whole = withoutMboxLine(raw);
  const wholeSize = size - (raw.length - whole.length);
  const limit = parseLimit(whole);
  const truncated = wholeSize > limit;
  const parsed = await simpleParser(truncated ? whole.subarray(0, limit) : whole, PARSE_OPTIONS);
  const headers = headerMap(parsed);
  const defects: string[] = [];
  const from = addresses(parsed.from);
  if (!headers.has('from')) defects.push('no From header');
  else if (from.length === 0 || from.every((a) => !a.address)) defects.push('From header holds no address');
  const ct = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const returnPathRaw = headers.get('return-path')?.[0];
  const refs = parsed.references;
  const senderList = addresses(parsed.headers.get('sender') as AddressObject | undefined);
  const attachments: AttachmentInfo[] = parsed.attachments.map((a) => ({
    contentType: a.contentType.toLowerCase(),
    filename: a.filename ?? null,
    size: a.size,
  }));
  const hasPlainPart = typeof parsed.text === 'string' && parsed.text.trim() !== '';
  const rendered = typeof parsed.html === 'string' ? visibleHtml(parsed.html) : null;
  return {
    messageId: parsed.messageId ? parsed.messageId.trim() : null,
    from,
    sender: senderList[0] ?? null,
    replyTo: addresses(parsed.replyTo),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    subject: parsed.subject ?? '',
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null,
    inReplyTo: parsed.inReplyTo?.trim() ?? null,
    references: refs === undefined ? [] : Array.isArray(refs) ? refs : refs.split(/\s+/).filter(Boolean),
    headers,
    // HTML-only mail is read as the text a person sees.
    text: hasPlainPart ? parsed.text! : (rendered?.text ?? ''),
    hasPlainPart,
    html: typeof parsed.html === 'string' ? parsed.html : null,
    htmlText: rendered ? rendered.text : null,
    hiddenText: rendered?.hidden ?? '',
    calendar: attachments.some((a) => a.contentType === 'text/calendar' || a.contentType === 'application/ics' || /\.(ics|vcs)$/i.test(a.filename ?? '')),
    contentType: (ct?.value ?? 'text/plain').toLowerCase(),
    reportType: ct?.params?.['report-type']?.toLowerCase() ?? null,
    attachments,
    embeddedMessageIds: embeddedIds(parsed),
    returnPath: returnPathRaw === undefined ? null : returnPathRaw.replace(/^<|>$/g, '').trim().toLowerCase(),
    defects,
    truncatedAt: truncated ? { size: wholeSize, limit } : rendered?.truncated ? { size: (parsed.html as string).length, limit: rendered.text.length } : null,
  };
}
