/**
 * Replies to a Countersign notice (plain text) written as real mail clients write them: their
 * headers (X-Mailer, Message-ID forms), multipart/alternative with the HTML each one generates,
 * quoted-printable where they use it, and their attribution forms. Modelled on messages from Gmail,
 * Apple Mail on macOS, Mail on iPhone and Thunderbird (Outlook: outlook-replies.ts).
 */
import { randomUUID } from 'node:crypto';
import { alternative, crlf, head, hex, html, lines, NNBSP, OUR, quote, US, type Notice, type Writer } from './mime-parts.js';

export type { Notice, Writer } from './mime-parts.js';

/**
 * Gmail: top-posted; the plain part hard-wrapped, the attribution "On …, NAME <ADDRESS>" / "wrote:"
 * over two lines, then "> " quotes; the HTML with `gmail_quote` and a `<blockquote>`.
 */
export function gmailReply(n: Notice, w: Writer, top: string[]): string {
  const boundary = `000000000000${hex(16).toLowerCase()}`;
  const headers = head(w, [
    ['MIME-Version', '1.0'],
    ['References', n.messageId],
    ['In-Reply-To', n.messageId],
    ['From', `${w.name} <${w.address}>`],
    ['Date', 'Mon, 23 Nov 2026 10:14:37 -0500'],
    ['Message-ID', `<CAH3xQ9r${hex(24)}${hex(10)}-q@mail.gmail.com>`],
    ['Subject', `Re: ${n.subject}`],
    ['To', `${US} <${OUR}>`],
    ['Content-Type', `multipart/alternative; boundary="${boundary}"`],
  ]);
  const when = `Mon, Nov 23, 2026 at 10:02${NNBSP}AM`;
  const plain = [...top, '', `On ${when} ${US} <${OUR}>`, 'wrote:', '', quote(n.text), ''].join('\n');
  const page =
    `<div dir="ltr">${top.map((s) => (s.trim() === '' ? '<div><br></div>' : `<div>${html(s)}</div>`)).join('')}</div><br><div class="gmail_quote gmail_quote_container">` +
    `<div dir="ltr" class="gmail_attr">On ${when} ${US} &lt;<a href="mailto:${OUR}">${OUR}</a>&gt; wrote:<br></div>` +
    `<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">${lines(n.text)
      .map((s) => `${html(s)}<br>`)
      .join('')}</blockquote></div>\n`;
  return `${headers}\r\n\r\n${alternative(boundary, [
    { type: 'text/plain; charset="UTF-8"', cte: 'quoted-printable', body: plain },
    { type: 'text/html; charset="UTF-8"', cte: 'quoted-printable', body: page },
  ])}`;
}

/**
 * Apple Mail on macOS: top-posted; the attribution "On Nov 23, 2026, at 10:02 AM, NAME <ADDRESS>
 * wrote:" inside the quote (plain: "> On …", HTML: first line of `<blockquote type="cite">`).
 */
export function appleMailReply(n: Notice, w: Writer, top: string[]): string {
  const boundary = `Apple-Mail=_${randomUUID().toUpperCase()}`;
  const headers = head(w, [
    ['Content-Type', `multipart/alternative;\r\n\tboundary="${boundary}"`],
    ['Mime-Version', '1.0 (Mac OS X Mail 16.0 \\(3826.400.131.1.6\\))'],
    ['Subject', `Re: ${n.subject}`],
    ['From', `${w.name} <${w.address}>`],
    ['In-Reply-To', n.messageId],
    ['Date', 'Mon, 23 Nov 2026 10:21:09 -0500'],
    ['Content-Transfer-Encoding', '7bit'],
    ['Message-Id', `<${randomUUID().toUpperCase()}@partners.example>`],
    ['References', n.messageId],
    ['To', `${US} <${OUR}>`],
    ['X-Mailer', 'Apple Mail (2.3826.400.131.1.6)'],
  ]);
  const attribution = `On Nov 23, 2026, at 10:02${NNBSP}AM, ${US} <${OUR}> wrote:`;
  const plain = [...top, '', '', `> ${attribution}`, '> ', quote(n.text), ''].join('\n');
  const [first, ...rest] = top;
  const page =
    `<html aria-label="message body"><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;">${html(first ?? '')}` +
    `${rest.map((s) => (s.trim() === '' ? '<div><br></div>' : `<div>${html(s)}</div>`)).join('')}<div><br id="lineBreakAtBeginningOfSignature"><div><br><blockquote type="cite"><div>${html(attribution)}</div><br class="Apple-interchange-newline"><div><div>` +
    `${lines(n.text)
      .map((s) => `${html(s)}<br>`)
      .join('')}</div></div></blockquote></div><br></div></body></html>`;
  return `${headers}\r\n\r\n${alternative(`${boundary}`, [
    { type: 'text/plain;\r\n\tcharset=utf-8', cte: 'quoted-printable', body: plain },
    { type: 'text/html;\r\n\tcharset=utf-8', cte: 'quoted-printable', body: page },
  ])}`;
}

/**
 * Mail on iPhone: top-posted, "Sent from my iPhone", then the quoted attribution and the original
 * (which iOS starts with a U+FEFF when the original was plain text).
 */
export function iphoneReply(n: Notice, w: Writer, top: string[]): string {
  const boundary = `Apple-Mail-${randomUUID().toUpperCase()}`;
  const headers = head(w, [
    ['Content-Type', `multipart/alternative; boundary=${boundary}`],
    ['Content-Transfer-Encoding', '7bit'],
    ['From', `${w.name} <${w.address}>`],
    ['Mime-Version', '1.0 (1.0)'],
    ['Subject', `Re: ${n.subject}`],
    ['Date', 'Mon, 23 Nov 2026 10:25:44 -0500'],
    ['Message-Id', `<${randomUUID().toUpperCase()}@partners.example>`],
    ['References', n.messageId],
    ['In-Reply-To', n.messageId],
    ['To', `${US} <${OUR}>`],
    ['X-Mailer', 'iPhone Mail (22B91)'],
  ]);
  const attribution = `On Nov 23, 2026, at 10:02${NNBSP}AM, ${US} <${OUR}> wrote:`;
  const plain = [...top, '', 'Sent from my iPhone', '', `> ${attribution}`, '> ', quote(`\ufeff${n.text}`), ''].join('\n');
  const page =
    `<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body dir="auto">${top.map((s) => `<div dir="ltr">${s.trim() === '' ? '<br>' : html(s)}</div>`).join('')}` +
    `<div dir="ltr"><br id="lineBreakAtBeginningOfSignature"><div dir="ltr">Sent from my iPhone</div><div dir="ltr"><br><blockquote type="cite">${html(attribution)}<br><br></blockquote></div>` +
    `<blockquote type="cite"><div dir="ltr">\ufeff${lines(n.text)
      .map((s) => `${html(s)}<br>`)
      .join('')}</div></blockquote></div></body></html>`;
  return `${headers}\r\n\r\n${alternative(boundary, [
    { type: 'text/plain;\r\n\tcharset=utf-8', cte: 'quoted-printable', body: plain },
    { type: 'text/html;\r\n\tcharset=utf-8', cte: 'quoted-printable', body: page },
  ])}`;
}

/**
 * Thunderbird answering inline, plain text `format=flowed` (RFC 3676): the attribution on top, the
 * notice quoted up to the line `splitAfter` matches, the staff's words, the rest of the quote below,
 * and a signature after "-- ".
 */
export function thunderbirdInlineReply(n: Notice, w: Writer, answer: string[], splitAfter: RegExp): string {
  const all = lines(n.text);
  const at = all.findIndex((l) => splitAfter.test(l));
  if (at < 0) throw new Error(`no line of the notice matches ${splitAfter}`);
  const headers = head(w, [
    ['Message-ID', `<${randomUUID()}@partners.example>`],
    ['Date', 'Mon, 23 Nov 2026 10:31:12 -0500'],
    ['MIME-Version', '1.0'],
    ['User-Agent', 'Mozilla Thunderbird'],
    ['Subject', `Re: ${n.subject}`],
    ['To', `${US} <${OUR}>`],
    ['References', n.messageId],
    ['Content-Language', 'en-US'],
    ['From', `${w.name} <${w.address}>`],
    ['In-Reply-To', n.messageId],
    ['Content-Type', 'text/plain; charset=UTF-8; format=flowed'],
    ['Content-Transfer-Encoding', '7bit'],
  ]);
  const body = [`On 11/23/26 10:02 AM, ${US} wrote:`, quote(all.slice(0, at + 1).join('\n'), 76, true), '', ...answer, '', quote(all.slice(at + 1).join('\n').replace(/^\n+/, ''), 76, true), '', '-- ', w.name, 'Partner Integrations', ''].join('\n');
  return `${headers}\r\n\r\n${crlf(body)}`;
}
