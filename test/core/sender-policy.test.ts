import { domainToUnicode } from 'node:url';
import { remove as removeConfusables } from 'confusables';
import fc from 'fast-check';
import { distance } from 'fastest-levenshtein';
import { getDomain } from 'tldts';
import { describe, expect, it } from 'vitest';
import { evidenceFromHeader, trustedAuthResults } from '../../src/core/authentication-results.js';
import type { InboundMail } from '../../src/core/inbound-mail.js';
import { senderReason } from '../../src/core/reasons.js';
import { buildSenderIndex, findLookalike, registeredParent } from '../../src/core/sender-index.js';
import { checkSender, senderSummary, type AuthEvidence, type ClientRef, type SenderDirectory, type SenderVerdict } from '../../src/core/sender-policy.js';
import { AUTHSERV_ID, SENDER_DIR as DIR, senderMail as mail } from '../helpers/sender-test-mail.js';

const verify = (m: InboundMail) => checkSender(m, DIR, evidenceFromHeader(trustedAuthResults(m.headers.get('authentication-results') ?? [], AUTHSERV_ID)));
const PASS = `${AUTHSERV_ID}; dkim=pass header.d=riversidefm.org; spf=pass smtp.mailfrom=riversidefm.org; dmarc=pass (p=reject) header.from=riversidefm.org`;
const code = (v: SenderVerdict): string => (v.kind === 'verified' ? 'verified' : senderReason(v).code);

describe('sender policy', () => {
  it('verifies a client whose DMARC passed for its own domain', () => {
    expect(verify(mail('pm@riversidefm.org', { ar: [PASS] }))).toEqual({ kind: 'verified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', method: 'dmarc' });
  });

  it('verifies on a DKIM pass aligned with the From domain when DMARC has no result', () => {
    const v = verify(mail('pm@clinic.riversidefm.org', { ar: [`${AUTHSERV_ID}; dkim=pass header.d=riversidefm.org`] }));
    expect(v).toEqual({ kind: 'verified', role: 'client', client: 'riverside', address: 'pm@clinic.riversidefm.org', method: 'dkim' });
  });

  it('does not verify a DKIM pass from an unrelated signing domain, and says why', () => {
    const v = verify(mail('pm@riversidefm.org', { ar: [`${AUTHSERV_ID}; dkim=pass header.d=esp.example; spf=pass smtp.mailfrom=esp.example; dmarc=fail header.from=riversidefm.org`] }));
    expect(v).toEqual({ kind: 'unverified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', detail: 'dmarc=fail; dkim=pass for esp.example (not aligned with riversidefm.org); spf=pass' });
    expect(code(v)).toBe('sender_unverified');
  });

  it('treats a message without our Authentication-Results as unverified', () => {
    expect(verify(mail('pm@riversidefm.org', { ar: [PASS.replace(AUTHSERV_ID, 'mx.evil.example')] }))).toEqual({
      kind: 'unverified',
      role: 'client',
      client: 'riverside',
      address: 'pm@riversidefm.org',
      detail: 'no Authentication-Results from our receiving server',
    });
  });

  it('believes nothing from evidence that carries a doubt, whatever else it says (mailauth, disagreeing signatures)', () => {
    const auth: AuthEvidence = { source: 'mailauth', dmarc: { result: 'pass', fromDomain: 'riversidefm.org' }, dkimPass: ['riversidefm.org'], spf: 'pass', doubt: 'DKIM signatures disagree' };
    expect(checkSender(mail('pm@riversidefm.org'), DIR, auth)).toMatchObject({ kind: 'unverified', detail: 'DKIM signatures disagree' });
  });

  it('compares the DMARC domain without regard to case, a root dot or its IDN form', () => {
    const auth = (fromDomain: string): AuthEvidence => ({ source: 'mailauth', dmarc: { result: 'pass', fromDomain }, dkimPass: [], spf: null });
    expect(checkSender(mail('pm@riversidefm.org'), DIR, auth('RiversideFM.org.'))).toMatchObject({ kind: 'verified', method: 'dmarc' });
    const idn: SenderDirectory = { clients: [{ id: 'muller', name: 'Müller', domains: ['xn--mller-kva.example'], approvers: [] }], staff: [] };
    expect(checkSender(mail('pm@xn--mller-kva.example'), idn, auth('müller.example'))).toMatchObject({ kind: 'verified', method: 'dmarc' });
  });

  it('names the aligned DKIM pass that a DMARC fail overrides', () => {
    const auth: AuthEvidence = { source: 'authentication-results', dmarc: { result: 'fail', fromDomain: 'riversidefm.org' }, dkimPass: ['mail.riversidefm.org.'], spf: null };
    expect(checkSender(mail('pm@riversidefm.org'), DIR, auth)).toMatchObject({ kind: 'unverified', detail: 'dmarc=fail; dkim=pass for mail.riversidefm.org., which DMARC fail overrides; spf=none' });
  });

  it.each([
    ['riversidefrn.org', 'riversidefm.org', 'edit_distance'],
    ['lakesidepedz.org', 'lakesidepeds.org', 'edit_distance'],
    ['riversidefm.com', 'riversidefm.org', 'other_suffix'],
    ['lakesidepeds.co', 'lakesidepeds.org', 'other_suffix'],
    ['xn--rversidefm-x2i.org', 'riversidefm.org', 'punycode'],
    // Cyrillic і (U+0456) for Latin i: the same skeleton.
    ['r\u0456versidefm.org', 'riversidefm.org', 'confusable'],
    // Cyrillic і and е, and one letter more: three edits away, but one from the skeleton.
    ['r\u0456v\u0435rsidefmx.org', 'riversidefm.org', 'confusable'],
  ])('names the lookalike domain %s (resembles %s, %s)', (domain, resembles, how) => {
    const v = verify(mail(`pm@${domain}`, { ar: [PASS] }));
    expect(v).toEqual({ kind: 'lookalike_domain', address: `pm@${domain}`, domain, resembles, how });
    expect(code(v)).toBe('sender_lookalike_domain');
    expect(senderSummary(v)).toBe('unknown');
  });

  it('calls an unrelated domain unknown, not a lookalike', () => {
    const v = verify(mail('office@newclinic.example', { ar: [PASS] }));
    expect(v).toEqual({ kind: 'unknown_domain', address: 'office@newclinic.example', domain: 'newclinic.example' });
    expect(senderSummary(v)).toBe('unknown');
  });

  it('calls another address at a staff domain unknown, not a lookalike of itself', () => {
    expect(verify(mail('someone@partners.example', { ar: [PASS] }))).toEqual({ kind: 'unknown_domain', address: 'someone@partners.example', domain: 'partners.example' });
  });

  it('accepts a subdomain only when the registry lists it, naming the nearest listed parent', () => {
    expect(verify(mail('pm@mail.riversidefm.org', { ar: [PASS] }))).toEqual({ kind: 'unlisted_subdomain', address: 'pm@mail.riversidefm.org', domain: 'mail.riversidefm.org', of: 'riversidefm.org' });
    expect(verify(mail('pm@a.clinic.riversidefm.org', { ar: [PASS] }))).toMatchObject({ kind: 'unlisted_subdomain', of: 'clinic.riversidefm.org' });
    expect(senderSummary(verify(mail('pm@mail.riversidefm.org')))).toBe('unknown');
  });

  it('flags a display name that holds another address, for the display name', () => {
    const v = verify(mail('pm@riversidefm.org', { name: 'CEO <ceo@lakesidepeds.org>', ar: [PASS] }));
    expect(v).toEqual({ kind: 'display_name_address', address: 'pm@riversidefm.org', shown: 'ceo@lakesidepeds.org' });
    expect(code(v)).toBe('sender_display_name_address');
    expect(senderSummary(v)).toBe('unverified');
  });

  it('names a display-name spoof and a forwarded approval even from an unregistered domain', () => {
    expect(verify(mail('pm@gmail.com', { name: 'pm@riversidefm.org', ar: [PASS] }))).toEqual({ kind: 'display_name_address', address: 'pm@gmail.com', shown: 'pm@riversidefm.org' });
    expect(verify(mail('dev@acmehealth.io', { subject: 'Fwd: Acme Scheduler production', ar: [PASS] }))).toEqual({ kind: 'forwarded', address: 'dev@acmehealth.io', how: 'subject "Fwd: Acme Scheduler production"' });
  });

  it.each([
    ['Pat Moore', null],
    ['pm@riversidefm.org', null],
    ['Pat (PM@RiversideFM.org)', null],
    ['Pat @ Riverside', null],
    ['me@localhost', null],
    ['@riversidefm.org', null],
    ['x@y.z9', null],
    ['"boss@lakesidepeds.org."', 'boss@lakesidepeds.org'],
    ['Dr. Ortiz dr.ortiz@lakesidepeds.org', 'dr.ortiz@lakesidepeds.org'],
    ['ceo@mail.lakesidepeds.org-x', 'ceo@mail.lakesidepeds.org'],
    ['a@b.co.uk', 'a@b.co.uk'],
  ])('reads the display name %j as showing %j', (name, shown) => {
    const v = verify(mail('pm@riversidefm.org', { name, ar: [PASS] }));
    if (shown === null) expect(v.kind).toBe('verified');
    else expect(v).toEqual({ kind: 'display_name_address', address: 'pm@riversidefm.org', shown });
  });

  it('reads a huge display name in linear time', () => {
    const started = performance.now();
    const v = verify(mail('pm@riversidefm.org', { name: `a@${'a'.repeat(300_000)} ${'b@b'.repeat(50_000)}`, ar: [PASS] }));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(v.kind).toBe('verified');
  });

  it.each([
    ['a Fwd: subject', { subject: 'Fwd: Acme Scheduler' }, 'subject "Fwd: Acme Scheduler"'],
    ['an RE: AW: WG: subject', { subject: 'RE: AW: WG: Acme Scheduler' }, 'subject "RE: AW: WG: Acme Scheduler"'],
    ['a Resent-From header', { headers: { 'resent-from': ['dev@acmehealth.io'] } }, 'Resent-From header'],
    ['an attached message', { attachments: [{ contentType: 'message/rfc822', filename: null, size: 10 }] }, 'an attached message'],
    ['a forwarded-message banner', { text: 'FYI\n---------- Forwarded message ---------\nFrom: pm' }, '"---------- Forwarded message ---------" in the text'],
    ['an Apple Mail banner', { text: 'Begin forwarded message:\n\nFrom: pm' }, '"Begin forwarded message:" in the text'],
  ])('rejects an approval forwarded by the client (%s)', (_name, spec, how) => {
    const v = verify(mail('pm@riversidefm.org', { ...spec, ar: [PASS] }));
    expect(v).toEqual({ kind: 'forwarded', address: 'pm@riversidefm.org', how });
    expect(code(v)).toBe('sender_forwarded');
  });

  it('does not take a Re: subject or a plain attachment for forwarding', () => {
    expect(verify(mail('pm@riversidefm.org', { subject: 'Re: Acme Scheduler', attachments: [{ contentType: 'application/pdf', filename: 'a.pdf', size: 1 }], ar: [PASS] })).kind).toBe('verified');
  });

  it('rejects an address that is not among the listed approvers', () => {
    const v = verify(mail('frontdesk@lakesidepeds.org', { ar: [PASS.replace(/riversidefm/g, 'lakesidepeds')] }));
    expect(v).toEqual({ kind: 'not_approver', client: 'lakeside', address: 'frontdesk@lakesidepeds.org' });
    expect(code(v)).toBe('sender_not_approver');
  });

  it('verifies a listed approver', () => {
    expect(verify(mail('dr.ortiz@lakesidepeds.org', { ar: [PASS.replace(/riversidefm/g, 'lakesidepeds')] }))).toEqual({ kind: 'verified', role: 'client', client: 'lakeside', address: 'dr.ortiz@lakesidepeds.org', method: 'dmarc' });
  });

  it('rejects mail sent on behalf of the client by someone else, but not by itself', () => {
    const v = verify(mail('pm@riversidefm.org', { sender: 'va@acmehealth.io', ar: [PASS] }));
    expect(v).toEqual({ kind: 'sent_on_behalf', address: 'pm@riversidefm.org', sender: 'va@acmehealth.io' });
    expect(code(v)).toBe('sender_sent_on_behalf');
    expect(verify(mail('pm@riversidefm.org', { sender: 'pm@riversidefm.org', ar: [PASS] })).kind).toBe('verified');
    expect(verify(mail('pm@riversidefm.org', { sender: '', ar: [PASS] })).kind).toBe('verified');
  });

  it('names every author of a message with several From addresses', () => {
    const v = verify(mail('pm@riversidefm.org', { alsoFrom: ['ceo@evil.example'], ar: [PASS] }));
    expect(v).toEqual({ kind: 'multiple_from', addresses: ['pm@riversidefm.org', 'ceo@evil.example'] });
    expect(code(v)).toBe('sender_multiple_from');
    expect(senderSummary(v)).toBe('unverified');
  });

  it('has no sender for a From without an address', () => {
    const v = verify(mail('', { ar: [PASS] }));
    expect(v).toEqual({ kind: 'no_address' });
    expect(code(v)).toBe('sender_no_address');
    expect(senderSummary(v)).toBe('unknown');
  });

  it('recognises verified staff, and unverified staff', () => {
    expect(verify(mail('ops@partners.example', { ar: [`${AUTHSERV_ID}; dmarc=pass header.from=partners.example`] }))).toEqual({ kind: 'verified', role: 'staff', address: 'ops@partners.example', method: 'dmarc' });
    expect(verify(mail('ops@partners.example', { ar: [`${AUTHSERV_ID}; dkim=pass header.d=partners.example`] }))).toEqual({ kind: 'verified', role: 'staff', address: 'ops@partners.example', method: 'dkim' });
    expect(verify(mail('ops@partners.example'))).toEqual({ kind: 'unverified', role: 'staff', client: null, address: 'ops@partners.example', detail: 'no Authentication-Results from our receiving server' });
  });

  it('treats staff writing from a client domain as staff, not as the client', () => {
    const dir: SenderDirectory = { clients: DIR.clients, staff: ['it@riversidefm.org'] };
    expect(checkSender(mail('it@riversidefm.org'), dir, { source: 'mailauth', dmarc: { result: 'pass', fromDomain: 'riversidefm.org' }, dkimPass: [], spf: null })).toEqual({ kind: 'verified', role: 'staff', address: 'it@riversidefm.org', method: 'dmarc' });
  });
});

/** The lookalike search as it was before the index: a walk over every registered domain (the oracle). */
function walkLookalike(domain: string, known: readonly string[]): boolean {
  const org = (d: string): string => getDomain(d, { allowPrivateDomains: true }) ?? d;
  const skel = (d: string): string => removeConfusables(domainToUnicode(d) || d).toLowerCase();
  const sk = skel(domain);
  if (known.some((k) => k !== domain && (sk === k || sk === skel(k)))) return true;
  const o = org(domain);
  return known.some((k) => {
    if (k === domain) return false;
    const kOrg = org(k);
    if (o.split('.')[0] === kOrg.split('.')[0] && o !== kOrg) return true;
    const d = distance(o, kOrg);
    if (d > 0 && d <= (kOrg.length >= 10 ? 2 : 1)) return true;
    return skel(o) !== o && distance(skel(o), kOrg) <= 1;
  });
}

/** Registered practices with plausible, distinct domains (a fixed pseudo-random sequence). */
function practiceClients(n: number): ClientRef[] {
  const syllables = ['ri', 'ver', 'side', 'lake', 'hill', 'crest', 'north', 'val', 'ley', 'oak', 'pine', 'brook', 'ma', 'ple', 'sun', 'rise', 'west', 'glen', 'wood', 'park', 'view', 'stone', 'bay', 'cedar', 'elm', 'mill', 'field', 'ash', 'fox', 'deer'];
  const words = ['fm', 'peds', 'clinic', 'health', 'medical', 'family', 'care', 'md', 'pc', 'med'];
  const tlds = ['org', 'com', 'net', 'us', 'health'];
  let seed = 0x9e3779b9;
  const pick = <T>(xs: readonly T[]): T => {
    // xorshift32: every bit varies, unlike the low bits of a power-of-two LCG.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return xs[(seed >>> 0) % xs.length]!;
  };
  const domains = new Set<string>();
  while (domains.size < n) domains.add(`${pick(syllables)}${pick(syllables)}${pick(syllables)}${pick(words)}.${pick(tlds)}`);
  return [...domains].map((d, i) => ({ id: `c${i}`, name: d, domains: [d], approvers: [] }));
}

describe('the sender index', () => {
  // Labels from a tiny alphabet, so that random registries are full of near-collisions.
  const label = fc.string({ unit: fc.constantFrom('a', 'b', 'r', 'n', 'm', 'i', '\u0456', '-'), minLength: 1, maxLength: 12 }).filter((l) => !l.startsWith('-') && !l.endsWith('-'));
  const domain = fc.tuple(fc.option(label, { nil: undefined }), label, fc.constantFrom('org', 'com', 'co.uk', 'io')).map(([sub, l, tld]) => (sub ? `${sub}.${l}.${tld}` : `${l}.${tld}`));

  it('finds a lookalike exactly when a walk over every registered domain would, and names a true one', () => {
    fc.assert(
      fc.property(fc.uniqueArray(domain, { minLength: 1, maxLength: 30 }), domain, (registered, candidate) => {
        fc.pre(!registered.includes(candidate));
        const index = buildSenderIndex({ clients: registered.map((d, i) => ({ id: `c${i}`, name: d, domains: [d], approvers: [] })), staff: [] });
        if (registeredParent(index, candidate)) return;
        const found = findLookalike(index, candidate);
        expect(found !== null).toBe(walkLookalike(candidate, registered));
        if (found) expect(walkLookalike(candidate, [found.resembles])).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  it('checks a sender in about constant time with 20,000 clients, for an unknown domain too', () => {
    const clients = practiceClients(20_000);
    const dir: SenderDirectory = { clients, staff: ['ops@partners.example'] };
    const known = clients[12_345]!.domains[0]!;
    // One letter of the registered name doubled: a lookalike of that client and of no other.
    const look = known.replace(/^(.)/, '$1$1');
    checkSender(mail(`pm@${known}`), dir, null); // builds the index once, as loading the context does
    expect(checkSender(mail(`pm@${known}`), dir, null)).toMatchObject({ kind: 'unverified', client: 'c12345' });
    expect(checkSender(mail('pm@brand-new-practice.example'), dir, null)).toMatchObject({ kind: 'unknown_domain' });
    expect(checkSender(mail(`pm@${look}`), dir, null)).toMatchObject({ kind: 'lookalike_domain', how: 'edit_distance' });
    const timed = (from: string): number => {
      const started = performance.now();
      for (let i = 0; i < 200; i++) checkSender(mail(from), dir, null);
      return (performance.now() - started) / 200;
    };
    // The walk this replaced took seconds per unknown domain at this size; a few milliseconds is
    // a loose bound for a loaded machine.
    expect(timed(`pm@${known}`)).toBeLessThan(5);
    expect(timed('pm@brand-new-practice.example')).toBeLessThan(5);
    expect(timed(`pm@${look}`)).toBeLessThan(5);
  });

  it('rebuilds the index for a new registry snapshot, not for every message', () => {
    const first: SenderDirectory = { clients: [{ id: 'a', name: 'A', domains: ['a-clinic.org'], approvers: [] }], staff: [] };
    expect(checkSender(mail('pm@a-clinic.org'), first, null)).toMatchObject({ client: 'a' });
    const second: SenderDirectory = { clients: [{ id: 'b', name: 'B', domains: ['a-clinic.org'], approvers: [] }], staff: [] };
    expect(checkSender(mail('pm@a-clinic.org'), second, null)).toMatchObject({ client: 'b' });
    expect(checkSender(mail('ops@a-clinic.org'), { clients: second.clients, staff: ['ops@a-clinic.org'] }, null)).toMatchObject({ role: 'staff' });
  });

  it('does not search for parents or lookalikes of a name longer than any domain', () => {
    const long = `${'a.'.repeat(200)}riversidefm.org`;
    expect(verify(mail(`pm@${long}`))).toEqual({ kind: 'unknown_domain', address: `pm@${long}`, domain: long });
  });
});
