import { domainToUnicode } from 'node:url';
import { remove as removeConfusables } from 'confusables';
import { distance } from 'fastest-levenshtein';
import { getDomain } from 'tldts';
import type { AuthResults } from './authentication-results.js';
import { firstHeader, type InboundMail } from './inbound-mail.js';

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
  /** DMARC result, and the From domain it was evaluated for (RFC 7489). */
  dmarc: { result: string; fromDomain: string | null } | null;
  /** Signing domains of DKIM signatures that passed. */
  dkimPass: string[];
  spf: string | null;
}

export function evidenceFromHeader(results: AuthResults | null): AuthEvidence | null {
  if (!results) return null;
  const dmarc = results.results.find((r) => r.method === 'dmarc');
  return {
    source: 'authentication-results',
    dmarc: dmarc ? { result: dmarc.result, fromDomain: dmarc.props['header.from']?.toLowerCase() ?? null } : null,
    dkimPass: results.results
      .filter((r) => r.method === 'dkim' && r.result === 'pass')
      .map((r) => (r.props['header.d'] ?? r.props['header.i']?.replace(/^.*@/, '') ?? '').toLowerCase())
      .filter(Boolean),
    spf: results.results.find((r) => r.method === 'spf')?.result ?? null,
  };
}

export type SenderVerdict =
  | { kind: 'verified'; role: 'client'; client: string; address: string; method: 'dmarc' | 'dkim' }
  | { kind: 'verified'; role: 'staff'; address: string; method: 'dmarc' | 'dkim' }
  | { kind: 'no_address' }
  | { kind: 'multiple_from'; addresses: string[] }
  | { kind: 'lookalike_domain'; address: string; domain: string; resembles: string; how: 'confusable' | 'punycode' | 'edit_distance' | 'other_suffix' }
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

const orgDomain = (d: string): string => getDomain(d, { allowPrivateDomains: true }) ?? d;
const skeleton = (d: string): string => removeConfusables(domainToUnicode(d) || d).toLowerCase();

type LookalikeHow = Extract<SenderVerdict, { kind: 'lookalike_domain' }>['how'];

function lookalike(domain: string, known: readonly string[]): { resembles: string; how: LookalikeHow } | null {
  const sk = skeleton(domain);
  const org = orgDomain(domain);
  for (const k of known) {
    if (k === domain) continue;
    if (sk === k || sk === skeleton(k)) return { resembles: k, how: domain.includes('xn--') ? 'punycode' : 'confusable' }
  }
  for (const k of known) {
    if (k === domain) continue;
    const kOrg = orgDomain(k);
    const label = org.split('.')[0]!;
    const kLabel = kOrg.split('.')[0]!;
    if (label === kLabel && org !== kOrg) return { resembles: k, how: 'other_suffix' }
    const d = distance(org, kOrg);
    if (d > 0 && d <= (kOrg.length >= 10 ? 2 : 1)) return { resembles: k, how: 'edit_distance' }
    if (skeleton(org) !== org && distance(skeleton(org), kOrg) <= 1) return { resembles: k, how: 'confusable' }
  }
  return null
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

/** Decides who sent a message and whether we may believe it. Never reads the Reply-To. */
export function checkSender(mail: InboundMail, dir: SenderDirectory, auth: AuthEvidence | null): SenderVerdict {
  const froms = mail.from.filter((f) => f.address);
  if (froms.length === 0) return { kind: 'no_address' };
  if (froms.length > 1) return { kind: 'multiple_from', addresses: froms.map((f) => f.address) };
  const { address, name } = froms[0]!;
  const domain = address.slice(address.lastIndexOf('@') + 1);
  const isStaff = dir.staff.includes(address);
  const client = dir.clients.find((c) => c.domains.includes(domain));
  if (!client && !isStaff) {
    const knownDomains = [...dir.clients.flatMap((c) => c.domains), ...dir.staff.map((s) => s.slice(s.lastIndexOf('@') + 1))];
    const parent = knownDomains.find((k) => domain.endsWith(`.${k}`));
    if (parent) return { kind: 'unlisted_subdomain', address, domain, of: parent };
    const look = lookalike(domain, knownDomains);
    if (look) return { kind: 'lookalike_domain', address, domain, ...look };
    return { kind: 'unknown_domain', address, domain };
  }
  // A display name that holds an address other than the real one is a classic spoof.
  const shown = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+\.[a-z]{2,}/i.exec(name)?.[0]?.toLowerCase();
  if (shown && shown !== address) return { kind: 'display_name_address', address, shown };
  const fwd = forwardedHow(mail);
  if (fwd) return { kind: 'forwarded', address, how: fwd };
  if (mail.sender && mail.sender.address && mail.sender.address !== address) {
    return { kind: 'sent_on_behalf', address, sender: mail.sender.address };
  }
  if (client && !isStaff && client.approvers.length > 0 && !client.approvers.includes(address)) {
    return { kind: 'not_approver', client: client.id, address };
  }
  const role = isStaff ? 'staff' : 'client';
  const clientId = client && !isStaff ? client.id : null;
  if (!auth) return { kind: 'unverified', role, client: clientId, address, detail: 'no Authentication-Results from our receiving server' };
  if (auth.dmarc?.result === 'pass' && (auth.dmarc.fromDomain === null || auth.dmarc.fromDomain === domain)) {
    return isStaff ? { kind: 'verified', role: 'staff', address, method: 'dmarc' } : { kind: 'verified', role: 'client', client: clientId!, address, method: 'dmarc' };
  }
  // RFC 7489 §3.1.1 relaxed alignment: the DKIM signing domain and the From domain share an organizational domain.
  if (auth.dkimPass.some((d) => orgDomain(d) === orgDomain(domain))) {
    return isStaff ? { kind: 'verified', role: 'staff', address, method: 'dkim' } : { kind: 'verified', role: 'client', client: clientId!, address, method: 'dkim' };
  }
  const detail = [
    `dmarc=${auth.dmarc?.result ?? 'none'}`,
    auth.dkimPass.length > 0 ? `dkim=pass for ${auth.dkimPass.join(', ')} (not aligned with ${domain})` : 'no passing DKIM signature',
    `spf=${auth.spf ?? 'none'}`,
  ].join('; ');
  return { kind: 'unverified', role, client: clientId, address, detail };
}
