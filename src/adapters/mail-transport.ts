import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

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
export function smtpTransport(url: string): MailTransport {
  const t = nodemailer.createTransport(url);
  return {
    async send(raw, envelope) {
      await t.sendMail({ envelope: { ...envelope } as never, raw });
    },
    close: () => t.close(),
  };
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
