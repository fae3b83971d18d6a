import type { InboundMail } from '../../src/core/inbound-mail.js';
import type { SenderDirectory } from '../../src/core/sender-policy.js';

/** The registry the sender-check tests share: two clients (one with approvers) and one staff member. */
export const SENDER_DIR: SenderDirectory = {
  clients: [
    { id: 'riverside', name: 'Riverside', domains: ['riversidefm.org', 'clinic.riversidefm.org'], approvers: [] },
    { id: 'lakeside', name: 'Lakeside', domains: ['lakesidepeds.org'], approvers: ['dr.ortiz@lakesidepeds.org'] },
  ],
  staff: ['ops@partners.example'],
};

export const AUTHSERV_ID = 'mx.partners.example';

export interface SenderMailSpec {
  name?: string;
  /** Authentication-Results values, topmost first. */
  ar?: string[];
  subject?: string;
  sender?: string;
  headers?: Record<string, string[]>;
  text?: string;
  /** Extra From addresses (a message with several authors). */
  alsoFrom?: string[];
  attachments?: InboundMail['attachments'];
}

/** A parsed message as the core sees it, from one address, with only what the sender check reads. */
export function senderMail(from: string, spec: SenderMailSpec = {}): InboundMail {
  const headers = new Map<string, string[]>(Object.entries(spec.headers ?? {}));
  if (spec.ar) headers.set('authentication-results', spec.ar);
  // Spread, so that fields added to InboundMail later do not break this helper's literal.
  const bodyParts = { hasPlainPart: true, htmlText: null, hiddenText: '', calendar: false, truncatedAt: null };
  return {
    ...bodyParts,
    messageId: '<m@x>',
    from: [{ address: from, name: spec.name ?? '' }, ...(spec.alsoFrom ?? []).map((address) => ({ address, name: '' }))],
    sender: spec.sender !== undefined ? { address: spec.sender, name: '' } : null,
    replyTo: [],
    to: [],
    cc: [],
    subject: spec.subject ?? 'Acme Scheduler',
    date: null,
    inReplyTo: null,
    references: [],
    headers,
    text: spec.text ?? 'Approved for production.',
    html: null,
    contentType: 'text/plain',
    reportType: null,
    attachments: spec.attachments ?? [],
    embeddedMessageIds: [],
    returnPath: from,
    defects: [],
  };
}
