import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { bounceToken, reportsFailure, tokenOf, verpAddress } from '../../src/core/bounce-token.js';
import { AUTHSERV_ID, makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { makeKey } from '../helpers/pgp-keys.js';
import { makeProject, type Project } from '../helpers/project.js';
import { runCountersign } from '../helpers/run-cli.js';
import { startSmtpPeer } from '../helpers/smtp-peer.js';

let seq = 0;
function deliver(p: Project, raw: string): void {
  const md = p.env.COUNTERSIGN_MAILDIR!;
  for (const s of ['new', 'cur', 'tmp']) mkdirSync(path.join(md, s), { recursive: true });
  writeFileSync(path.join(md, 'new', `${1700000000 + ++seq}.b${seq}.host`), raw);
}

interface Sent {
  id: number;
  kind: string;
  status: string;
  messageId: string;
  envelopeFrom: string;
  headers: string;
}

/**
 * A deployment that has sent a partner its Production identifiers and the client its acknowledgement
 * through a real SMTP peer; returns both mails as sent (envelope sender and header block).
 */
async function sentMails(extra: Record<string, string> = {}) {
  const smtp = await startSmtpPeer();
  const p = await makeProject({ COUNTERSIGN_SMTP_URL: smtp.url, ...extra });
  const signer = await makeKey('apipartners@partners.example');
  writeFileSync(path.join(p.dir, 'signing.asc'), signer.privateKey);
  p.env.COUNTERSIGN_SIGNING_KEY = path.join(p.dir, 'signing.asc');
  deliver(p, makeMail({ from: 'pm@riversidefm.org', subject: 'Acme Scheduler production', body: PRODUCTION_APPROVAL, messageId: '<prod-1@riversidefm.org>' }));
  const r = await runCountersign(['run', '--once'], p.env);
  expect(r.code, r.stderr).toBe(0);
  const rows = p.query<{ id: number; kind: string; status: string; message_id: string }>('SELECT id, kind, status, message_id FROM outbox ORDER BY id');
  const sent: Sent[] = [];
  for (const row of rows) {
    const got = [];
    for (const m of smtp.received) if ((await simpleParser(m.raw)).messageId === row.message_id) got.push(m);
    expect(got).toHaveLength(1);
    sent.push({ id: row.id, kind: row.kind, status: row.status, messageId: row.message_id, envelopeFrom: got[0]!.from, headers: got[0]!.raw.split('\r\n\r\n')[0]! });
  }
  return { smtp, p, partner: sent.find((s) => s.kind === 'partner_production_identifiers')!, ack: sent.find((s) => s.kind === 'client_ack')! };
}

/**
 * A delivery report as Postfix writes it (bounce(8)): multipart/report with a delivery-status part
 * and the returned headers, `Auto-Submitted: auto-replied`, the null return path, and the headers its
 * local delivery prepends (`Delivered-To`, `X-Original-To`).
 */
function postfixBounce(o: { to: string; returned: string; from?: string; deliveredTo?: string | null; auth?: string; finalRecipient?: string; action?: 'failed' | 'delayed' }): string {
  const b = '4XkQ2m1Zzkz9sWl.1763892300/mx.partners.example';
  const from = o.from ?? 'MAILER-DAEMON@mx.partners.example (Mail Delivery System)';
  const deliveredTo = o.deliveredTo === undefined ? o.to : o.deliveredTo;
  return [
    'Return-Path: <>',
    ...(deliveredTo ? [`Delivered-To: ${deliveredTo}`, `X-Original-To: ${deliveredTo}`] : []),
    ...(o.auth ? [`Authentication-Results: ${o.auth}`] : []),
    'Received: by mx.partners.example (Postfix) id 4XkQ2m1Zzkz9sWl; Mon, 23 Nov 2026 10:05:00 +0000 (UTC)',
    'Date: Mon, 23 Nov 2026 10:05:00 +0000 (UTC)',
    `From: ${from}`,
    'Subject: Undelivered Mail Returned to Sender',
    `To: ${o.to}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`,
    'Content-Transfer-Encoding: 8bit',
    `Message-Id: <20261123100500.${++seq}@mx.partners.example>`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${b}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.partners.example.',
    '',
    "I'm sorry to have to inform you that your message could not",
    'be delivered to one or more recipients.',
    '',
    `<${o.finalRecipient ?? 'integrations@acmehealth.io'}>: host mx.acmehealth.io[203.0.113.5] said: 550 5.1.1 User unknown (in reply to RCPT TO command)`,
    '',
    `--${b}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.partners.example',
    'X-Postfix-Queue-ID: 4XkQ2m1Zzkz9sWl',
    `X-Postfix-Sender: rfc822; ${o.to}`,
    'Arrival-Date: Mon, 23 Nov 2026 10:04:58 +0000 (UTC)',
    '',
    `Final-Recipient: rfc822; ${o.finalRecipient ?? 'integrations@acmehealth.io'}`,
    `Action: ${o.action ?? 'failed'}`,
    o.action === 'delayed' ? 'Status: 4.4.1' : 'Status: 5.1.1',
    'Remote-MTA: dns; mx.acmehealth.io',
    'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
    '',
    `--${b}`,
    'Content-Description: Undelivered Message Headers',
    'Content-Type: text/rfc822-headers',
    'Content-Transfer-Encoding: 8bit',
    '',
    o.returned,
    '',
    `--${b}--`,
    '',
  ].join('\r\n');
}

const outbox = (p: Project) => p.query<{ id: number; status: string }>('SELECT id, status FROM outbox ORDER BY id');
const bounceFlags = (p: Project) => p.query<{ outbox_id: number; reasons: string; message_row: number }>("SELECT outbox_id, reasons, message_row FROM flags WHERE kind = 'bounce' ORDER BY id");
const lastMessage = (p: Project) => p.query<{ outcome: string; reasons: string }>('SELECT outcome, reasons FROM messages ORDER BY id DESC LIMIT 1')[0]!;
/** The reasons that say what kind of mail it is and what became of it as a report (the sender's own are beside the point). */
const codes = (reasons: string) => (JSON.parse(reasons) as { code: string }[]).map((r) => r.code).filter((c) => c === 'auto_submitted' || c.startsWith('bounce'));
const unverifiedDetail = (reasons: string) => (JSON.parse(reasons) as { code: string; detail?: string }[]).find((r) => r.code === 'bounce_unverified')?.detail;

async function runOnce(p: Project): Promise<void> {
  const r = await runCountersign(['run', '--once'], p.env);
  expect(r.code, r.stderr).toBe(0);
}

describe('the return-path token (pure)', () => {
  const hmac = (m: string) => createHmac('sha256', Buffer.alloc(32, 7)).update(m).digest();
  it('is the row id and 24 lower-case base32 characters, different for every row and Message-ID', () => {
    const t = bounceToken(hmac, 42, '<cs.a@partners.example>');
    expect(t).toMatch(/^42-[a-z2-7]{24}$/);
    expect(bounceToken(hmac, 43, '<cs.a@partners.example>')).not.toBe(t);
    expect(bounceToken(hmac, 42, '<cs.b@partners.example>')).not.toBe(t);
    const address = verpAddress('apipartners@partners.example', t);
    expect(address).toBe(`apipartners+${t}@partners.example`);
    expect(tokenOf('apipartners@partners.example', address.toUpperCase())).toBe(t);
    expect(tokenOf('apipartners@partners.example', `apipartners+${t}@evil.example`)).toBeNull();
    expect(tokenOf('apipartners@partners.example', `other+${t}@partners.example`)).toBeNull();
  });

  it('only an Action of failed (or none at all, from older MTAs) is a failure (RFC 3464 §2.3.3)', () => {
    expect(reportsFailure('Final-Recipient: rfc822; a@b.example\r\nAction: failed\r\nStatus: 5.1.1')).toBe(true);
    expect(reportsFailure('Action: delayed\r\nStatus: 4.4.1\r\n\r\nAction: failed')).toBe(true);
    expect(reportsFailure('Action: delayed\r\nStatus: 4.4.1')).toBe(false);
    expect(reportsFailure('The mail could not be delivered.')).toBe(true);
  });

  it('the bounce address defaults to COUNTERSIGN_FROM; with VERP its local part must leave room for the token', () => {
    expect(loadConfig({ COUNTERSIGN_FROM: 'API@Partners.example' })).toMatchObject({ bounceAddress: 'api@partners.example', verp: true });
    expect(loadConfig({ COUNTERSIGN_BOUNCE_ADDRESS: 'bounces@partners.example', COUNTERSIGN_VERP: 'off' })).toMatchObject({ bounceAddress: 'bounces@partners.example', verp: false });
    const long = `${'x'.repeat(29)}@partners.example`;
    expect(() => loadConfig({ COUNTERSIGN_BOUNCE_ADDRESS: long })).toThrow(ConfigError);
    expect(() => loadConfig({ COUNTERSIGN_BOUNCE_ADDRESS: long })).toThrow(/COUNTERSIGN_BOUNCE_ADDRESS: .*at most 28 characters/);
    expect(loadConfig({ COUNTERSIGN_BOUNCE_ADDRESS: long, COUNTERSIGN_VERP: 'off' }).bounceAddress).toBe(long);
    expect(() => loadConfig({ COUNTERSIGN_VERP: 'maybe' })).toThrow(/COUNTERSIGN_VERP/);
  });
});

// Each test runs the daemon binary two or three times: a slow, shared machine needs more than the default 30 s.
describe('delivery reports: only our own bounces count (real SMTP peer, the daemon binary)', { timeout: 120_000 }, () => {
  it('every outgoing mail leaves with its own VERP return path', async () => {
    const { smtp, partner, ack } = await sentMails();
    try {
      expect(partner.envelopeFrom).toMatch(new RegExp(`^apipartners\\+${partner.id}-[a-z2-7]{24}@partners\\.example$`));
      expect(ack.envelopeFrom).toMatch(new RegExp(`^apipartners\\+${ack.id}-[a-z2-7]{24}@partners\\.example$`));
      expect(partner.envelopeFrom.split('-').at(-1)).not.toBe(ack.envelopeFrom.split('-').at(-1));
    } finally {
      await smtp.close();
    }
  });

  it('a genuine Postfix bounce with Auto-Submitted: auto-replied, to the VERP address, marks the mail undelivered and tells staff once', async () => {
    const { smtp, p, partner } = await sentMails({ COUNTERSIGN_BOUNCE_ADDRESS: 'bounces@partners.example' });
    try {
      expect(partner.envelopeFrom).toMatch(/^bounces\+\d+-[a-z2-7]{24}@partners\.example$/);
      deliver(p, postfixBounce({ to: partner.envelopeFrom, returned: partner.headers }));
      await runOnce(p);
      expect(outbox(p).find((o) => o.id === partner.id)!.status).toBe('undelivered');
      const flags = bounceFlags(p);
      expect(flags).toHaveLength(1);
      expect(flags[0]!.outbox_id).toBe(partner.id);
      expect(JSON.parse(flags[0]!.reasons)).toEqual([{ code: 'bounce_of_our_mail', messageId: partner.messageId }]);
      const report = lastMessage(p);
      expect(report.outcome).toBe('ignored');
      expect(codes(report.reasons)).toEqual(['auto_submitted']);
      const notice = smtp.received.filter((m) => m.to.includes('ops@partners.example'));
      expect(notice).toHaveLength(1);
      expect((await simpleParser(notice[0]!.raw)).subject).toMatch(/^\[CS-[0-9A-Z]{13}\] Undelivered: a mail Countersign sent bounced$/);
      // The same report again (a second copy) opens no second flag.
      deliver(p, postfixBounce({ to: partner.envelopeFrom, returned: partner.headers }));
      await runOnce(p);
      expect(bounceFlags(p)).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });

  it('a genuine delay warning (Action: delayed, still being retried) leaves the mail sent', async () => {
    const { smtp, p, partner } = await sentMails();
    try {
      deliver(p, postfixBounce({ to: partner.envelopeFrom, returned: partner.headers, action: 'delayed' }));
      await runOnce(p);
      expect(outbox(p).find((o) => o.id === partner.id)!.status).toBe('sent');
      expect(bounceFlags(p)).toEqual([]);
      expect(lastMessage(p).outcome).toBe('ignored');
      expect(codes(lastMessage(p).reasons)).toEqual(['auto_submitted']);
    } finally {
      await smtp.close();
    }
  });

  it('a token whose case a mail system changed still counts', async () => {
    const { smtp, p, ack } = await sentMails();
    try {
      deliver(p, postfixBounce({ to: ack.envelopeFrom.toUpperCase(), returned: ack.headers, finalRecipient: 'pm@riversidefm.org' }));
      await runOnce(p);
      expect(outbox(p).find((o) => o.id === ack.id)!.status).toBe('undelivered');
      expect(bounceFlags(p).map((f) => f.outbox_id)).toEqual([ack.id]);
    } finally {
      await smtp.close();
    }
  });

  it('a forged bounce from another domain naming a partner mail’s Message-ID changes nothing and is recorded ignored with its reason', async () => {
    const { smtp, p, partner } = await sentMails();
    try {
      const before = outbox(p);
      deliver(p, postfixBounce({ from: 'mailer-daemon@evil.example', to: 'API Partners <apipartners@partners.example>', deliveredTo: 'apipartners@partners.example', returned: partner.headers }));
      await runOnce(p);
      expect(outbox(p).filter((o) => o.id <= before.length)).toEqual(before);
      expect(outbox(p).find((o) => o.id === partner.id)!.status).toBe('sent');
      expect(bounceFlags(p)).toEqual([]);
      const report = lastMessage(p);
      expect(report.outcome).toBe('ignored');
      expect(codes(report.reasons)).toEqual(['auto_submitted', 'bounce_unverified']);
      expect(unverifiedDetail(report.reasons)).toMatch(/not delivered to a Countersign return address/);
      expect(p.query("SELECT COUNT(*) AS n FROM flags")).toEqual([{ n: 0 }]);
    } finally {
      await smtp.close();
    }
  });

  it('a token for another row, a tampered token, a row that does not exist, a token at another domain: each ignored, nothing changes', async () => {
    const { smtp, p, partner, ack } = await sentMails();
    try {
      const mac = (address: string) => /-([a-z2-7]{24})@/.exec(address)![1]!;
      const flip = (s: string) => s.slice(0, -1) + (s.endsWith('a') ? 'b' : 'a');
      const forged = [
        `apipartners+${partner.id}-${mac(ack.envelopeFrom)}@partners.example`,
        `apipartners+${partner.id}-${flip(mac(partner.envelopeFrom))}@partners.example`,
        `apipartners+999-${mac(partner.envelopeFrom)}@partners.example`,
        partner.envelopeFrom.replace('@partners.example', '@evil.example'),
        `apipartners+${partner.id}@partners.example`,
      ];
      for (const to of forged) deliver(p, postfixBounce({ to, returned: partner.headers }));
      await runOnce(p);
      expect(outbox(p).slice(0, 2).map((o) => o.status)).toEqual(['sent', 'sent']);
      expect(bounceFlags(p)).toEqual([]);
      const reports = p.query<{ outcome: string; reasons: string }>("SELECT outcome, reasons FROM messages WHERE subject = 'Undelivered Mail Returned to Sender' ORDER BY id");
      expect(reports).toHaveLength(forged.length);
      for (const r of reports) {
        expect(r.outcome).toBe('ignored');
        expect(codes(r.reasons)).toEqual(['auto_submitted', 'bounce_unverified']);
      }
      expect(unverifiedDetail(reports[0]!.reasons)).toMatch(/not one Countersign issued/);
      expect(unverifiedDetail(reports[3]!.reasons)).toMatch(/not delivered to a Countersign return address/);
    } finally {
      await smtp.close();
    }
  });

  it('with COUNTERSIGN_VERP=off only a report our server authenticated as our own domain’s counts', async () => {
    const { smtp, p, partner } = await sentMails({ COUNTERSIGN_VERP: 'off' });
    try {
      expect(partner.envelopeFrom).toBe('apipartners@partners.example');
      // Unauthenticated, and authenticated but for another domain: nothing changes.
      deliver(p, postfixBounce({ to: 'apipartners@partners.example', returned: partner.headers }));
      deliver(p, postfixBounce({ from: 'MAILER-DAEMON@evil.example', to: 'apipartners@partners.example', returned: partner.headers, auth: `${AUTHSERV_ID}; dkim=pass header.d=evil.example; dmarc=pass header.from=evil.example` }));
      await runOnce(p);
      expect(outbox(p).find((o) => o.id === partner.id)!.status).toBe('sent');
      const unverified = p.query<{ reasons: string }>("SELECT reasons FROM messages WHERE subject = 'Undelivered Mail Returned to Sender' ORDER BY id");
      expect(unverified.map((r) => codes(r.reasons))).toEqual([
        ['auto_submitted', 'bounce_unverified'],
        ['auto_submitted', 'bounce_unverified'],
      ]);
      // Our MTA's bounce, DKIM-signed by our domain and so authenticated by our server: it counts.
      deliver(p, postfixBounce({ to: 'apipartners@partners.example', returned: partner.headers, auth: `${AUTHSERV_ID}; dkim=pass header.d=partners.example header.s=mta; spf=none smtp.mailfrom=<>` }));
      await runOnce(p);
      expect(outbox(p).find((o) => o.id === partner.id)!.status).toBe('undelivered');
      expect(bounceFlags(p).map((f) => f.outbox_id)).toEqual([partner.id]);
    } finally {
      await smtp.close();
    }
  });
});
