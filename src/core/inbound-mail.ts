/** Our own small type of a received message: what the core needs, nothing from the parser leaks in. */
export interface MailAddress {
  /** Lower-case address, or '' when the header held none. */
  address: string;
  /** Display name as decoded (RFC 2047), '' when absent. */
  name: string;
}

export interface AttachmentInfo {
  contentType: string;
  filename: string | null;
  size: number;
}

export interface InboundMail {
  /** Normalized Message-ID with angle brackets, or null when absent. */
  messageId: string | null;
  from: MailAddress[];
  sender: MailAddress | null;
  replyTo: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  /** ISO 8601, or null when absent or unparsable. */
  date: string | null;
  inReplyTo: string | null;
  references: string[];
  /**
   * Header fields by lower-case name, values unfolded, in the order they appear in the message
   * (the topmost first, which matters for Authentication-Results, RFC 8601 §5).
   */
  headers: ReadonlyMap<string, readonly string[]>;
  /** The text/plain body, decoded to UTF-8; for HTML-only mail, the visible text of the HTML. */
  text: string;
  /** True when the message has a text/plain body of its own (then `text` is that part). */
  hasPlainPart: boolean;
  /** The text/html body, decoded, or null. */
  html: string | null;
  /** What a mail client shows of the HTML body (hidden elements dropped, quotes as "> "), or null. */
  htmlText: string | null;
  /** Text the HTML body holds but hides from its reader (CSS, white on white, tiny, off-screen). */
  hiddenText: string;
  /** A meeting invitation: a text/calendar part or an .ics attachment (RFC 5545/6047). */
  calendar: boolean;
  /** Top-level media type, lower-case, without parameters (e.g. `multipart/report`). */
  contentType: string;
  /** The `report-type` parameter of a multipart/report (RFC 6522), lower-case, or null. */
  reportType: string | null;
  attachments: AttachmentInfo[];
  /** Message-IDs named by an attached or quoted original (a bounce's message/rfc822 part). */
  embeddedMessageIds: string[];
  /** The Return-Path as delivered: '' for the null reverse-path `<>`, null when absent. */
  returnPath: string | null;
  /** Set when the message was longer than what is parsed: only its start was read. */
  truncatedAt?: { size: number; limit: number } | null;
  /** Parse defects worth telling staff (e.g. 'no From header'). */
  defects: string[];
}

export function header(mail: Pick<InboundMail, 'headers'>, name: string): readonly string[] {
  return mail.headers.get(name.toLowerCase()) ?? [];
}

export function firstHeader(mail: Pick<InboundMail, 'headers'>, name: string): string | undefined {
  return header(mail, name)[0];
}
