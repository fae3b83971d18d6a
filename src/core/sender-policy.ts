import { domainToASCII } from 'node:url';
import { firstHeader, type InboundMail } from './inbound-mail.js';
import { findLookalike, orgDomain, registeredParent, senderIndex, type LookalikeHow } from './sender-index.js';


export interface ClientRef {
  id: string;
  name: string;
  domains: readonly string[];
  approvers: readonly string[];
}

export interface SenderDirectory {
  clients: readonly ClientRef[];
  staff: readonly string[];
}

/** Authentication evidence, from our server's Authentication-Results or from mailauth in-process. */
export interface AuthEvidence {
  source: 'authentication-results' | 'mailauth';
  /** DMARC result, and the From domain it was evaluated for (RFC 7489); null when not named. */
  dmarc: { result: string; fromDomain: string | null } | null;
  /** Signing domains of DKIM signatures that passed. */
  dkimPass: string[];
  spf: string | null;
  /**
   * Why nothing here may be believed, in words staff read: our header is malformed, or it reports
   * one method several times with different results. Absent when there is no such doubt.
   */
  doubt?: string | undefined;
}

export type SenderVerdict =
  | { kind: 'verified'; role: 'client'; client: string; address: string; method: 'dmarc' | 'dkim' }
  | { kind: 'verified'; role: 'staff'; address: string; method: 'dmarc' | 'dkim' }
  | { kind: 'no_address' }
  | { kind: 'multiple_from'; addresses: string[] }
  | { kind: 'lookalike_domain'; address: string; domain: string; resembles: string; how: LookalikeHow }
  | { kind: 'unlisted_subdomain'; address: string; domain: string; of: string }
  | { kind: 'unknown_domain'; address: string; domain: string }
  | { kind: 'display_name_address'; address: string; shown: string }
  | { kind: 'forwarded'; address: string; how: string }
  | { kind: 'sent_on_behalf'; address: string; sender: string }
  | { kind: 'not_approver'; client: string; address: string }
  | { kind: 'unverified'; role: 'client' | 'staff'; client: string | null; address: string; detail: string };

/** The three-way summary `classify --json` reports. */
export function senderSummary(v: SenderVerdict): 'verified' | 'unverified' | 'unknown' {
  if (v.kind === 'verified') return 'verified';
  if (v.kind === 'unknown_domain' || v.kind === 'no_address' || v.kind === 'lookalike_domain' || v.kind === 'unlisted_subdomain') return 'unknown';
  return 'unverified';
}

const FORWARD_SUBJECT = /^\s*((re|aw|sv|antw)\s*:\s*)*(fwd?|fw|wg|tr|rv|enc|doorst)\s*:/i;
const FORWARD_BODY = /^(-{3,}\s*forwarded message\s*-{3,}|begin forwarded message:|-{3,}\s*weitergeleitete nachricht\s*-{3,}|-{3,}\s*message transféré\s*-{3,})/im;

function forwardedHow(mail: InboundMail): string | null {
  if (FORWARD_SUBJECT.test(mail.subject)) return `subject "${mail.subject.slice(0, 80)}"`;
  if (firstHeader(mail, 'resent-from') !== undefined) return 'Resent-From header';
  if (mail.attachments.some((a) => a.contentType === 'message/rfc822')) return 'an attached message';
  const m = FORWARD_BODY.exec(mail.text);
  if (m) return `"${m[0].trim()}" in the text`;
  return null;
}

/**
 * An address written in the display name, found in one pass: a word (between spaces and the
 * punctuation that ends an address) with an `@` after its first character, and after that a dot
 * and two letters; it is shown up to its last such label. A regular expression over the whole
 * name backtracked quadratically: 20,000 characters took a second.
 */
function addressInName(name: string): string | null {
  for (const word of name.split(/[\s<>"'(),;:]+/)) {
    const at = word.indexOf('@', 1);
    if (at === -1) continue;
    let end = -1;
    for (const m of word.slice(at + 2).matchAll(/\.[a-z]{2,}/gi)) end = at + 2 + m.index + m[0].length;
    if (end !== -1) return word.slice(0, end).toLowerCase();
  }
  return null;
}

/** Case and IDN form aside, the same domain (a trailing root dot is the same name, RFC 1034 §3.1). */
function sameDomain(a: string, b: string): boolean {
  const norm = (d: string): string => {
    const lower = d.toLowerCase().replace(/\.$/, '');
    return domainToASCII(lower) || lower;
  };
  return norm(a) === norm(b);
}

type AuthOutcome = { method: 'dmarc' | 'dkim' } | { detail: string };

/**
 * RFC 7489: DMARC counts only for the From domain it names (`header.from`); a DKIM pass counts only
 * when its signing domain is aligned with the From domain (relaxed: same organizational domain,
 * §3.1.1), and only when DMARC has no say (no result, or `none`: no policy published). Any DMARC
 * outcome other than pass for this domain means unverified, whatever DKIM says.
 */
function authenticate(auth: AuthEvidence | null, domain: string): AuthOutcome {
  if (!auth) return { detail: 'no Authentication-Results from our receiving server' };
  if (auth.doubt) return { detail: auth.doubt };
  const { dmarc } = auth;
  if (dmarc && dmarc.fromDomain === null) return { detail: `dmarc=${dmarc.result} names no header.from, so it does not say which domain it checked` };
  if (dmarc && !sameDomain(dmarc.fromDomain!, domain)) return { detail: `dmarc=${dmarc.result} was evaluated for ${dmarc.fromDomain}, not for the From domain ${domain}` };
  if (dmarc?.result === 'pass') return { method: 'dmarc' };
  const aligned = auth.dkimPass.find((d) => orgDomain(d.replace(/\.$/, '')) === orgDomain(domain));
  if (aligned && (!dmarc || dmarc.result === 'none')) return { method: 'dkim' };
  return {
    detail: [
      `dmarc=${dmarc?.result ?? 'none'}`,
      aligned ? `dkim=pass for ${aligned}, which DMARC ${dmarc!.result} overrides` : auth.dkimPass.length > 0 ? `dkim=pass for ${auth.dkimPass.join(', ')} (not aligned with ${domain})` : 'no passing DKIM signature',
      `spf=${auth.spf ?? 'none'}`,
    ].join('; '),
  };
}

/** Decides who sent a message and whether we may believe it. Never reads the Reply-To. */
export function checkSender(mail: InboundMail, dir: SenderDirectory, auth: AuthEvidence | null): SenderVerdict {
  const froms = mail.from.filter((f) => f.address);
  if (froms.length === 0) return { kind: 'no_address' };
  if (froms.length > 1) return { kind: 'multiple_from', addresses: froms.map((f) => f.address) };
  const { address, name } = froms[0]!;
  const domain = address.slice(address.lastIndexOf('@') + 1);
  // What the message shows its reader comes first: a display name holding another address is a
  // classic spoof, and a forwarded approval is not the client writing directly, whoever sent it.
  const shown = addressInName(name);
  if (shown && shown !== address) return { kind: 'display_name_address', address, shown };
  const fwd = forwardedHow(mail);
  if (fwd) return { kind: 'forwarded', address, how: fwd };
  const index = senderIndex(dir);
  const isStaff = index.staff.has(address);
  const client = index.clientByDomain.get(domain);
  if (!client && !isStaff) {
    const parent = registeredParent(index, domain);
    if (parent) return { kind: 'unlisted_subdomain', address, domain, of: parent };
    const look = findLookalike(index, domain);
    if (look) return { kind: 'lookalike_domain', address, domain, ...look };
    return { kind: 'unknown_domain', address, domain };
  }
  if (mail.sender && mail.sender.address && mail.sender.address !== address) {
    return { kind: 'sent_on_behalf', address, sender: mail.sender.address };
  }
  if (client && !isStaff && client.approvers.length > 0 && !client.approvers.includes(address)) {
    return { kind: 'not_approver', client: client.id, address };
  }
  const role = isStaff ? 'staff' : 'client';
  const clientId = client && !isStaff ? client.id : null;
  const outcome = authenticate(auth, domain);
  if ('detail' in outcome) return { kind: 'unverified', role, client: clientId, address, detail: outcome.detail };
  return isStaff ? { kind: 'verified', role: 'staff', address, method: outcome.method } : { kind: 'verified', role: 'client', client: clientId!, address, method: outcome.method };
}
