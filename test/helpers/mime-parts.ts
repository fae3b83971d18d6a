/**
 * The MIME pieces mail clients build replies from: quoted-printable (RFC 2045 §6.7), plain-text
 * quoting, headers and multipart/alternative bodies (RFC 2046 §5.1.4). Used by the client writers in
 * client-replies.ts and outlook-replies.ts.
 */
import { randomUUID } from 'node:crypto';

export interface Notice {
  subject: string;
  messageId: string;
  text: string;
}

export interface Writer {
  name: string;
  address: string;
  /** Authentication-Results our server would prepend. */
  auth: string;
}

export const US = 'API Partners';
export const OUR = 'apipartners@partners.example';
export const NNBSP = '\u202f'; // Gmail and Apple put a narrow no-break space before AM/PM (CLDR 42, 2023).

/** Quoted-printable (RFC 2045 §6.7): UTF-8 bytes, `=XX` escapes, soft breaks at 76 characters. */
export function quotedPrintable(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => {
      const bytes = Buffer.from(line, 'utf8');
      const tokens: string[] = [];
      bytes.forEach((b, i) => {
        const last = i === bytes.length - 1;
        const plain = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
        tokens.push(plain ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`);
      });
      const out: string[] = [];
      let cur = '';
      for (const t of tokens) {
        if (cur.length + t.length > 75) {
          out.push(`${cur}=`);
          cur = '';
        }
        cur += t;
      }
      out.push(cur);
      return out.join('\r\n');
    })
    .join('\r\n');
}

export const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const lines = (text: string) => text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
export const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

/**
 * Plain-text quoting as clients do it: "> " per line, ">" for an empty one, long lines wrapped at
 * word boundaries; `flowed`: a wrapped line ends in a space (a soft break, RFC 3676 §4.2).
 */
export function quote(text: string, width = 76, flowed = false): string {
  const out: string[] = [];
  for (const l of lines(text)) {
    if (l.trim() === '') {
      out.push('>');
      continue;
    }
    let rest = l;
    while (rest.length > width - 2) {
      const cut = rest.lastIndexOf(' ', width - 2);
      if (cut <= 0) break;
      out.push(`> ${rest.slice(0, cut)}${flowed ? ' ' : ''}`);
      rest = rest.slice(cut + 1);
    }
    out.push(`> ${rest}`);
  }
  return out.join('\n');
}

export function head(w: Writer, fields: [string, string][]): string {
  return [`Authentication-Results: ${w.auth}`, `Return-Path: <${w.address}>`, ...fields.map(([k, v]) => `${k}: ${v}`)].join('\r\n');
}

export function alternative(boundary: string, parts: { type: string; cte: string; body: string }[], preamble = ''): string {
  const body = parts.map((p) => `--${boundary}\r\nContent-Type: ${p.type}\r\nContent-Transfer-Encoding: ${p.cte}\r\n\r\n${p.cte === 'quoted-printable' ? quotedPrintable(p.body) : crlf(p.body)}\r\n`).join('\r\n');
  return `${preamble ? `${preamble}\r\n\r\n` : ''}${body}\r\n--${boundary}--\r\n`;
}

export const hex = (n: number) => randomUUID().replace(/-/g, '').slice(0, n).toUpperCase();
