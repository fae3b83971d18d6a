import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { AccessTokens } from './oauth/access-tokens.js';

export interface Envelope {
  from: string;
  to: string[];
}

/** Where outgoing mail goes: an SMTP server, or (the embedded default) .eml files in a folder. */
export interface MailTransport {
  send(raw: string, envelope: Envelope, name: string): Promise<void>;
  close(): void;
}

/**
 * SMTP through nodemailer: `smtp://` upgrades with STARTTLS when the server offers it, `smtps://` is
 * TLS from the start; user and password in the URL, percent-encoded. The raw message is sent as built,
 * so its Message-ID is the one fixed in the outbox row.
 */
export function smtpTransport(url: string, tokens: AccessTokens | null = null): MailTransport {
  const options = smtpOptions(url, tokens);
  // One pooled connection: EHLO, STARTTLS and AUTH once for a run of mails, not once per mail (a new
  // connection, and a fresh token, after 100 mails or when the server closes it).
  const t = nodemailer.createTransport({ ...(typeof options === 'string' ? { url: options } : options), pool: true, maxConnections: 1 });
  return {
    async send(raw, envelope) {
      await t.sendMail({ envelope: { ...envelope } as never, raw });
    },
    close: () => t.close(),
  };
}

/**
 * With OAuth2 and a user but no password in the URL: SASL XOAUTH2 with a token from the shared cache.
 * The token's expiry is not given to nodemailer, so it asks the cache for every connection; a refused
 * token is asked for again with `renew` (nodemailer retries once), which refreshes it.
 */
export function smtpOptions(url: string, tokens: AccessTokens | null): string | { url: string; auth: object } {
  const u = new URL(url);
  if (!tokens || !u.username || u.password) return url;
  const user = decodeURIComponent(u.username);
  u.username = '';
  const provisionCallback = (who: string, renew: boolean, cb: (err: Error | null, token?: string, expires?: number) => void) =>
    void tokens.token(who, { refresh: renew }).then(
      (token) => cb(null, token, Date.now()),
      (e: Error) => cb(e),
    );
  return { url: u.toString(), auth: { type: 'OAuth2', user, provisionCallback } };
}

/**
 * The embedded default: each mail written as `<name>.eml`, atomically (tmp file, then rename). A file
 * has no envelope, so its sender is kept as the `Return-Path` a final delivery would add (RFC 5321 §4.4).
 */
export function fileTransport(dir: string): MailTransport {
  return {
    async send(raw, envelope, name) {
      await mkdir(dir, { recursive: true });
      const target = path.join(dir, `${name}.eml`);
      if (await stat(target).then(() => true, () => false)) return; // written before a crash: once is enough
      const tmp = path.join(dir, `.${name}.tmp`);
      // As an MTA would store it: CRLF line ends throughout (RFC 5322 §2.1), as SMTP would have carried it.
      await writeFile(tmp, `Return-Path: <${envelope.from}>\r\n${raw}`.replace(/\r?\n/g, '\r\n'), { mode: 0o600 });
      await rename(tmp, target);
    },
    close: () => undefined,
  };
}
