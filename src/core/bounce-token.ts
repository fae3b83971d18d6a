import type { AuthEvidence } from './sender-policy.js';
import { detectAutomated, isDeliveryReport } from './automated-mail.js';
import type { InboundMail } from './inbound-mail.js';

/**
 * VERP (variable envelope return path): every outgoing mail leaves with its own return path,
 * `<local>+<id>-<mac>@<domain>`, where `mac` is an HMAC-SHA256 of the outbox row id and its
 * Message-ID under a key only the database holds. A delivery report counts only when it reaches
 * such an address with a mac we computed, so a report forged by anyone who never saw our envelope
 * changes nothing. Pure: the HMAC itself is passed in (node:crypto stays out of the core).
 */
export type Hmac = (message: string) => Uint8Array;

/** What of a received message bounce handling reads: its head, never its bodies. */
export type MailHead = Pick<InboundMail, 'headers' | 'from' | 'sender' | 'to' | 'cc' | 'subject' | 'contentType' | 'reportType' | 'returnPath' | 'embeddedMessageIds' | 'attachments' | 'inReplyTo' | 'references'>;

/** A head as the full type, for rules that take one: they read no body, which is left empty. */
export const asInboundMail = (mail: MailHead): InboundMail => ({ text: '', html: null, ...mail }) as unknown as InboundMail;

/** 24 base32 characters: 120 bits of the HMAC, far beyond guessing (RFC 2104 §5 allows truncation). */
export const MAC_CHARS = 24;
/**
 * Lower-case RFC 4648 base32: no character whose case matters, since MTAs and mailbox systems may
 * change the case of a local part (RFC 5321 §2.4 leaves it to the receiving host).
 */
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
    if (out.length >= chars) break;
  }
  return out;
}

const macOf = (hmac: Hmac, outboxId: number, messageId: string | null): string => base32(hmac(`${outboxId}\n${messageId ?? ''}`), MAC_CHARS);

/** The token of one outbox row: its id in clear (to find the row), then the mac that proves we made it. */
export function bounceToken(hmac: Hmac, outboxId: number, messageId: string | null): string {
  return `${outboxId}-${macOf(hmac, outboxId, messageId)}`;
}

function splitAddress(address: string): { local: string; domain: string } | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  return { local: address.slice(0, at).toLowerCase(), domain: address.slice(at + 1).toLowerCase() };
}

/** `bounces@example.org` + token → `bounces+TOKEN@example.org` (the `+` recipient delimiter most MTAs use). */
export function verpAddress(bounceAddress: string, token: string): string {
  const at = bounceAddress.lastIndexOf('@');
  return `${bounceAddress.slice(0, at)}+${token}${bounceAddress.slice(at)}`;
}

/** The token a recipient address carries, when it is our bounce address with a detail; else null. */
export function tokenOf(bounceAddress: string, candidate: string): string | null {
  const ours = splitAddress(bounceAddress);
  const c = splitAddress(candidate.trim().replace(/^<|>$/g, ''));
  if (!ours || !c || c.domain !== ours.domain || !c.local.startsWith(`${ours.local}+`)) return null;
  return c.local.slice(ours.local.length + 1);
}

/** Compares without stopping at the first difference, so timing does not reveal how much of a mac was right. */
function sameText(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

export type BounceMatch = { kind: 'matched'; outboxId: number } | { kind: 'unverified'; detail: string };

/**
 * Matches a delivery report to the outgoing mail it is about, by the token in the address it was
 * delivered to. `recipients` are the report's envelope recipient as delivery recorded it, topmost
 * first; `lookup` reads a row's Message-ID. The first valid token wins; any other answer is unverified.
 */
export function matchBounceToken(hmac: Hmac, bounceAddress: string, recipients: readonly string[], lookup: (outboxId: number) => { messageId: string | null } | null): BounceMatch {
  const tokens = recipients.map((r) => tokenOf(bounceAddress, r)).filter((t): t is string => t !== null);
  if (tokens.length === 0) return { kind: 'unverified', detail: 'it was not delivered to a Countersign return address (VERP), so it cannot be about a mail Countersign sent' };
  for (const token of tokens) {
    const m = /^([1-9][0-9]{0,15})-([a-z2-7]+)$/.exec(token);
    if (!m) continue;
    const outboxId = Number(m[1]);
    const row = lookup(outboxId);
    if (row && sameText(m[2]!, macOf(hmac, outboxId, row.messageId))) return { kind: 'matched', outboxId };
  }
  return { kind: 'unverified', detail: 'its return-address token is not one Countersign issued (forged, altered, or for a mail that does not exist)' };
}

const ADDRESS_IN = /<?([^<>\s,;]+@[^<>\s,;]+)>?/g;

/**
 * Where a report was delivered. Postfix's local and virtual delivery prepend `Delivered-To` (the final
 * recipient) and `X-Original-To` (the address before alias expansion); Dovecot's LMTP adds
 * `Delivered-To`; a bounce's own `To` is the envelope sender of the returned mail (RFC 3464 §2).
 * A sender may write any of these headers, which is why only a valid token counts, never the header.
 */
export function reportRecipients(mail: Pick<MailHead, 'headers' | 'to' | 'cc'>): string[] {
  const fromHeaders = ['delivered-to', 'x-original-to'].flatMap((h) => (mail.headers.get(h) ?? []).flatMap((v) => [...v.matchAll(ADDRESS_IN)].map((m) => m[1]!.toLowerCase())));
  return [...fromHeaders, ...mail.to.map((a) => a.address), ...mail.cc.map((a) => a.address)].filter(Boolean);
}

/**
 * Whether a message is a delivery report, asked before the automated-mail rule answers: a genuine
 * Postfix bounce also carries `Auto-Submitted: auto-replied`, which that rule reports first (RFC 3834
 * §5 lets any automatic message carry it), hiding the report behind it.
 */
export function isReportCandidate(mail: MailHead): boolean {
  const headers = new Map([...mail.headers].filter(([name]) => name !== 'auto-submitted'));
  return isDeliveryReport(detectAutomated(asInboundMail({ ...mail, headers })));
}

const within = (domain: string, of: string): boolean => domain === of || domain.endsWith(`.${of}`);

/**
 * Without VERP, a report counts only when our receiving server authenticated it as mail of our own
 * domain (or one of its hosts, such as the MTA that wrote the bounce): DMARC pass for that From domain,
 * or a DKIM pass by our domain (RFC 7489 relaxed alignment within our domain). Our MTA must sign the
 * bounces it writes (Postfix: `non_smtpd_milters`) for them to count.
 */
export function fromOwnMta(mail: Pick<MailHead, 'from'>, auth: AuthEvidence | null, ownDomain: string): boolean {
  const address = mail.from[0]?.address ?? '';
  const fromDomain = address.slice(address.lastIndexOf('@') + 1);
  if (!auth || !address.includes('@') || !within(fromDomain, ownDomain)) return false;
  if (auth.dmarc?.result === 'pass' && auth.dmarc.fromDomain === fromDomain) return true;
  return auth.dkimPass.some((d) => within(d, ownDomain) && within(fromDomain, d));
}

/**
 * Whether a report says delivery failed. RFC 3464 §2.3.3: each recipient's `Action` is failed,
 * delayed, delivered, relayed or expanded; a warning that a mail is still being retried (Postfix's
 * `delay_warning_time`) says delayed only, and the mail may yet arrive. A report without any Action
 * field (older MTAs) is taken as a failure.
 */
export function reportsFailure(reportText: string): boolean {
  const actions = [...reportText.matchAll(/^Action:[ \t]*([a-z]+)/gim)].map((m) => m[1]!.toLowerCase());
  return actions.length === 0 || actions.includes('failed');
}
