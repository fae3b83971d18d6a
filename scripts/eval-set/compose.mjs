// Turns a case into raw RFC 5322 bytes: MIME from nodemailer's MailComposer, then the trace
// headers our receiving server prepends (Return-Path, Authentication-Results with our authserv-id
// per RFC 8601, Received). Boundaries, Message-IDs and dates come from the case name, so every run
// writes the same bytes.
import MailComposer from 'nodemailer/lib/mail-composer';
import { AUTHSERV_ID, TEAM } from './world.mjs';
import { sha } from './common.mjs';
import { FORMATS } from './mail-clients.mjs';

const BASE = Date.UTC(2026, 10, 2, 13, 0, 0);
export const dateFor = (name) => new Date(BASE + (parseInt(sha(`${name}/date`).slice(0, 8), 16) % (40 * 24 * 60)) * 60_000);

const domainOf = (a) => a.split('@')[1].toLowerCase();
const fmt = (p) => (typeof p === 'string' ? p : p.name ? { name: p.name, address: p.address } : p.address);
const addressOf = (p) => (typeof p === 'string' ? (p.match(/<([^>]+)>/)?.[1] ?? p) : p.address);

function messageId(style, name, domain) {
  const h = sha(`${name}/mid`);
  switch (style) {
    case 'outlook': return `<${h.slice(0, 20).toUpperCase()}@${h.slice(20, 32).toUpperCase()}.namprd12.prod.outlook.com>`;
    case 'gmail': return `<CA+${Buffer.from(h.slice(0, 30), 'hex').toString('base64').replace(/[+/=]/g, 'x')}@mail.gmail.com>`;
    case 'apple': return `<${h.slice(0, 8).toUpperCase()}-${h.slice(8, 12).toUpperCase()}-${h.slice(12, 16).toUpperCase()}-${h.slice(16, 20).toUpperCase()}-${h.slice(20, 32).toUpperCase()}@${domain}>`;
    case 'samsung': return `<${h.slice(0, 24)}@email.android.com>`;
    default: return `<${h.slice(0, 12)}.${h.slice(12, 20)}@${domain}>`;
  }
}

/** The Authentication-Results our server writes; `auth` names the outcome. */
export function authResults(auth, fromAddress, name) {
  const d = domainOf(fromAddress);
  const b = sha(`${name}/dkim`).slice(0, 8);
  switch (auth) {
    case 'pass':
      return `${AUTHSERV_ID};\r\n\tdkim=pass header.d=${d} header.s=selector1 header.b=${b};\r\n\tspf=pass (${AUTHSERV_ID}: domain of ${fromAddress} designates 203.0.113.25 as permitted sender) smtp.mailfrom=${fromAddress};\r\n\tdmarc=pass (p=QUARANTINE sp=NONE dis=NONE) header.from=${d}`;
    case 'dmarc_fail':
      return `${AUTHSERV_ID};\r\n\tdkim=fail (body hash did not verify) header.d=${d} header.s=selector1 header.b=${b};\r\n\tspf=fail (${AUTHSERV_ID}: domain of ${fromAddress} does not designate 198.51.100.77 as permitted sender) smtp.mailfrom=${fromAddress};\r\n\tdmarc=fail (p=REJECT sp=REJECT dis=QUARANTINE) header.from=${d}`;
    case 'none_results':
      return `${AUTHSERV_ID};\r\n\tdkim=none (message not signed) header.d=none;\r\n\tspf=softfail (${AUTHSERV_ID}: transitioning domain of ${d} does not designate 198.51.100.77 as permitted sender) smtp.mailfrom=${fromAddress};\r\n\tdmarc=none action=none header.from=${d}`;
    default:
      return auth;
  }
}

export async function compose(c) {
  const from = c.from;
  const fromAddress = addressOf(from);
  const domain = domainOf(fromAddress);
  const date = c.date ?? dateFor(c.name);
  let body = {};
  if (c.format) {
    const letter = { ...c.letter, subject: c.subject, quote: c.letter.quoteOf ? c.letter.quoteOf(date) : c.letter.quote };
    body = FORMATS[c.format](letter);
  }
  const text = c.text ?? body.text;
  const html = c.html ?? body.html;
  const latin1 = c.latin1 ?? body.latin1;
  const mail = {
    from: fmt(from),
    to: c.to ?? `${TEAM.name} <${TEAM.address}>`,
    cc: c.cc,
    subject: c.subject,
    date,
    messageId: c.messageId ?? messageId(body.msgId ?? 'plain', c.name, domain),
    baseBoundary: sha(`${c.name}/boundary`).slice(0, 16),
    headers: { ...(body.headers ?? {}), ...(c.headers ?? {}) },
    encoding: c.encoding ?? body.encoding,
    attachments: c.attachments,
    icalEvent: c.icalEvent,
    inReplyTo: c.inReplyTo,
    references: c.references,
    sender: c.sender,
    replyTo: c.replyTo,
  };
  if (latin1) {
    // ISO-8859-1 has no typographic dashes or quotes: write them as a Latin-1 mail program would.
    const t = text.replace(/[–—]/g, '-').replace(/[‘’]/g, "'").replace(/[“”]/g, '"');
    mail.alternatives = [{ contentType: 'text/plain; charset=iso-8859-1', content: Buffer.from(t, 'latin1'), contentTransferEncoding: 'quoted-printable' }];
  } else {
    if (text !== undefined) mail.text = text;
    if (html !== undefined) mail.html = html;
  }
  if (c.alternatives) mail.alternatives = [...(mail.alternatives ?? []), ...c.alternatives];
  for (const k of Object.keys(mail)) if (mail[k] === undefined) delete mail[k];
  if (Object.keys(mail.headers).length === 0) delete mail.headers;
  if (c.rawMime) return Buffer.concat([Buffer.from(traceOf(c, fromAddress, domain, date), 'latin1'), Buffer.from(c.rawMime.replace(/\r?\n/g, '\r\n'), 'utf8')]);
  const mime = (await new MailComposer(mail).compile().build()).toString('latin1');
  return Buffer.from(`${traceOf(c, fromAddress, domain, date)}${mime.replace(/\r?\n/g, '\r\n')}`, 'latin1');
}

/** What our receiving server puts above the message: Return-Path, our Authentication-Results, Received. */
function traceOf(c, fromAddress, domain, date) {
  const returnPath = c.returnPath === undefined ? fromAddress : c.returnPath;
  const trace = [`Return-Path: <${returnPath}>`];
  if (c.auth !== 'absent') trace.push(`Authentication-Results: ${authResults(c.auth ?? 'pass', fromAddress, c.name)}`);
  trace.push(...(c.extraTrace ?? []));
  trace.push(`Received: from mail.${domain} (mail.${domain} [203.0.113.25])\r\n\tby mx.partners.example (Postfix) with ESMTPS id ${sha(`${c.name}/q`).slice(0, 10).toUpperCase()}\r\n\tfor <${TEAM.address}>; ${date.toUTCString().replace('GMT', '+0000')}`);
  return `${trace.join('\r\n')}\r\n`;
}
