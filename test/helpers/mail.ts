import { randomUUID } from 'node:crypto';

export const AUTHSERV_ID = 'mx.partners.example';

export interface MailSpec {
  from?: string;
  fromName?: string;
  to?: string;
  subject?: string;
  body?: string;
  html?: string;
  messageId?: string;
  date?: string;
  /** Authentication-Results our server would prepend; `null` for none. Default: DKIM and DMARC pass for the From domain. */
  auth?: string | null;
  headers?: Record<string, string>;
}

/** A raw RFC 5322 message as a client's mail arrives at our server. */
export function makeMail(spec: MailSpec = {}): string {
  const from = spec.from ?? 'pm@riversidefm.org';
  const domain = from.split('@')[1];
  const auth = spec.auth === undefined ? `${AUTHSERV_ID}; dkim=pass header.d=${domain} header.s=s1; spf=pass smtp.mailfrom=${from}; dmarc=pass (p=quarantine) header.from=${domain}` : spec.auth;
  const lines: string[] = [];
  if (auth !== null) lines.push(`Authentication-Results: ${auth}`);
  lines.push(`Return-Path: <${from}>`);
  for (const [k, v] of Object.entries(spec.headers ?? {})) lines.push(`${k}: ${v}`);
  lines.push(`From: ${spec.fromName ? `"${spec.fromName}" ` : ''}<${from}>`);
  lines.push(`To: ${spec.to ?? 'API Partners <apipartners@partners.example>'}`);
  lines.push(`Subject: ${spec.subject ?? 'Acme Scheduler'}`);
  lines.push(`Message-ID: ${spec.messageId ?? `<${randomUUID()}@${domain}>`}`);
  lines.push(`Date: ${spec.date ?? 'Mon, 23 Nov 2026 10:00:00 -0500'}`);
  lines.push('MIME-Version: 1.0');
  const text = spec.body ?? 'Hello,\n\nAcme Scheduler is approved for production - go ahead.\n\nThanks,\nPat';
  if (spec.html) {
    const b = `b-${randomUUID()}`;
    lines.push(`Content-Type: multipart/alternative; boundary="${b}"`, '', `--${b}`, 'Content-Type: text/plain; charset=utf-8', '', text, `--${b}`, 'Content-Type: text/html; charset=utf-8', '', spec.html, `--${b}--`, '');
  } else {
    lines.push('Content-Type: text/plain; charset=utf-8', '', text, '');
  }
  return lines.join('\r\n');
}

export const BETA_CONSENT =
  'Hello,\n\nPlease accept this as confirmation that we have signed an agreement with Acme Health Apps permitting Acme Scheduler to connect to our test database. We are happy to serve as a beta site.\n\nBest,\nPat';
export const PRODUCTION_APPROVAL = 'Hi team,\n\nAcme Scheduler is approved for production - go ahead.\n\nPat';
