import { describe, expect, it } from 'vitest';
import { evidenceFromHeader, trustedAuthResults } from '../../src/core/authentication-results.js';
import type { InboundMail } from '../../src/core/inbound-mail.js';
import { senderReason } from '../../src/core/reasons.js';
import { checkSender, senderSummary, type AuthEvidence, type SenderDirectory, type SenderVerdict } from '../../src/core/sender-policy.js';
import { AUTHSERV_ID, SENDER_DIR as DIR, senderMail as mail } from '../helpers/sender-test-mail.js';

/**
 * checkSender, one wrong (or right) message per test, so that weakening any one rule of the sender
 * check (forwarding, display-name spoofs, approvers, staff, RFC 7489 alignment) is noticed. Each test
 * asserts the whole verdict and the reason staff would read.
 */

const verify = (m: InboundMail): SenderVerdict => checkSender(m, DIR, evidenceFromHeader(trustedAuthResults(m.headers.get('authentication-results') ?? [], AUTHSERV_ID)));
const PASS = `${AUTHSERV_ID}; dkim=pass header.d=riversidefm.org; spf=pass smtp.mailfrom=riversidefm.org; dmarc=pass (p=reject) header.from=riversidefm.org`;
const VERIFIED = { kind: 'verified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', method: 'dmarc' } as const;
const code = (v: SenderVerdict): string => (v.kind === 'verified' ? 'verified' : senderReason(v).code);
const evidence = (over: Partial<AuthEvidence>): AuthEvidence => ({ source: 'authentication-results', dmarc: null, dkimPass: [], spf: null, ...over });

describe('forwarded approvals, by subject prefix', () => {
  // Forwarding prefixes of the mail programs our clients use: English, German (WG), French (TR),
  // Spanish (RV, ENC), Dutch (Doorst), behind any number of reply prefixes (Re, AW, SV, Antw).
  it.each([
    'Fw: Acme Scheduler',
    'FWD: Acme Scheduler',
    'fwd: Acme Scheduler',
    'TR: Acme Scheduler',
    'RV: Acme Scheduler',
    'ENC: Acme Scheduler',
    'Doorst: Acme Scheduler',
    'WG: Acme Scheduler',
    'Fwd : Acme Scheduler',
    'Fwd:Acme Scheduler',
    '  Fwd: Acme Scheduler',
    'SV: Fwd: Acme Scheduler',
    'Antw: Fw: Acme Scheduler',
    'Re:Re: Fwd: Acme Scheduler',
    'Re : AW :WG: Acme Scheduler',
    'Re:  Fwd: Acme Scheduler',
  ])('rejects an approval whose subject %j says it was forwarded', (subject) => {
    const v = verify(mail('pm@riversidefm.org', { subject, ar: [PASS] }));
    expect(v).toEqual({ kind: 'forwarded', address: 'pm@riversidefm.org', how: `subject "${subject}"` });
    expect(code(v)).toBe('sender_forwarded');
    expect(senderSummary(v)).toBe('unverified');
  });

  it.each([
    'Acme Scheduler (Fwd: from our IT)',
    'Re: Acme Scheduler Fwd: notes',
    'Trial: Acme Scheduler',
    'Encounter notes: Acme Scheduler',
    'Forwarding rules: Acme Scheduler',
    'Fwdx: Acme Scheduler',
    'Re: Re: Acme Scheduler',
    'Review: Acme Scheduler',
    'Svc: Acme Scheduler',
    'Ctr: Acme Scheduler',
  ])('verifies an approval whose subject %j only looks like a forwarding prefix', (subject) => {
    const v = verify(mail('pm@riversidefm.org', { subject, ar: [PASS] }));
    expect(v).toEqual(VERIFIED);
    expect(senderSummary(v)).toBe('verified');
  });

  it('quotes at most 80 characters of a long forwarded subject', () => {
    const subject = `Fwd: ${'Acme Scheduler production access '.repeat(5)}`;
    const v = verify(mail('pm@riversidefm.org', { subject, ar: [PASS] }));
    expect(v).toEqual({ kind: 'forwarded', address: 'pm@riversidefm.org', how: `subject "${subject.slice(0, 80)}"` });
  });
});

describe('forwarded approvals, by body banner', () => {
  it.each([
    ['a German banner', 'Bitte freigeben.\n---------- Weitergeleitete Nachricht ----------\nVon: pm', '"---------- Weitergeleitete Nachricht ----------" in the text'],
    ['a French banner', 'Voir ci-dessous.\n-------- Message transféré --------\nDe : pm', '"-------- Message transféré --------" in the text'],
    ['a German banner without spaces', 'Bitte freigeben.\n----------Weitergeleitete Nachricht----------\nVon: pm', '"----------Weitergeleitete Nachricht----------" in the text'],
    ['a French banner without spaces', '--------Message transféré--------\nDe : pm', '"--------Message transféré--------" in the text'],
    ['the shortest dashes', '--- Forwarded message ---\nFrom: pm', '"--- Forwarded message ---" in the text'],
    ['a banner without spaces', '---Forwarded message---\nFrom: pm', '"---Forwarded message---" in the text'],
    ['an upper-case banner', 'BEGIN FORWARDED MESSAGE:\nFrom: pm', '"BEGIN FORWARDED MESSAGE:" in the text'],
    ['a banner with tabs', '----\tForwarded message\t----\nFrom: pm', '"----\tForwarded message\t----" in the text'],
  ])('rejects an approval carrying %s', (_name, text, how) => {
    const v = verify(mail('pm@riversidefm.org', { text, ar: [PASS] }));
    expect(v).toEqual({ kind: 'forwarded', address: 'pm@riversidefm.org', how });
    expect(code(v)).toBe('sender_forwarded');
  });

  it.each([
    ['two dashes, a signature-like line', 'Approved.\n-- Forwarded message --\n'],
    ['the words inside a sentence', 'Approved. See the forwarded message from IT below.'],
    ['a banner not at the start of its line', 'Approved. ---------- Forwarded message ----------'],
    ['dashes without the words', 'Approved.\n----------\n'],
  ])('verifies an approval whose text has %s', (_name, text) => {
    expect(verify(mail('pm@riversidefm.org', { text, ar: [PASS] }))).toEqual(VERIFIED);
  });

  it('names the subject before a Resent-From header, and a Resent-From before an attached message', () => {
    const attachments = [{ contentType: 'message/rfc822', filename: null, size: 10 }];
    const all = { subject: 'Fwd: Acme Scheduler', headers: { 'resent-from': ['dev@acmehealth.io'] }, attachments, text: 'Begin forwarded message:\n', ar: [PASS] };
    expect(verify(mail('pm@riversidefm.org', all))).toMatchObject({ kind: 'forwarded', how: 'subject "Fwd: Acme Scheduler"' });
    expect(verify(mail('pm@riversidefm.org', { ...all, subject: 'Acme Scheduler' }))).toMatchObject({ kind: 'forwarded', how: 'Resent-From header' });
    expect(verify(mail('pm@riversidefm.org', { ...all, subject: 'Acme Scheduler', headers: {} }))).toMatchObject({ kind: 'forwarded', how: 'an attached message' });
  });
});

describe('addresses in the display name', () => {
  it.each([
    ['a bare domain', 'Pat at riversidefm.org'],
    ['a domain with a dot and one letter after the "@"', 'Pat a@b.c'],
    ['an "@" followed directly by a dot', 'Pat pat@.lakesidepeds'],
    ['an "@" with only one character after it', 'x@y'],
  ])('verifies a display name holding %s, which is not an address', (_name, name) => {
    expect(verify(mail('pm@riversidefm.org', { name, ar: [PASS] }))).toEqual(VERIFIED);
  });

  it('reads the address in a display name up to its last label, lower-cased', () => {
    const v = verify(mail('pm@riversidefm.org', { name: 'Pat <Pat.Moore@Mail.LakesidePeds.ORG>', ar: [PASS] }));
    expect(v).toEqual({ kind: 'display_name_address', address: 'pm@riversidefm.org', shown: 'pat.moore@mail.lakesidepeds.org' });
  });

  it('finds the address in a later word of the display name', () => {
    const v = verify(mail('pm@riversidefm.org', { name: 'Pat (on behalf of) "boss@lakesidepeds.org";', ar: [PASS] }));
    expect(v).toEqual({ kind: 'display_name_address', address: 'pm@riversidefm.org', shown: 'boss@lakesidepeds.org' });
  });

  it('takes the address a display name shows even when the sender domain is not registered', () => {
    const v = verify(mail('pm@gmail.com', { name: 'dr.ortiz@lakesidepeds.org', ar: [PASS] }));
    expect(v).toEqual({ kind: 'display_name_address', address: 'pm@gmail.com', shown: 'dr.ortiz@lakesidepeds.org' });
    expect(code(v)).toBe('sender_display_name_address');
  });
});

describe('staff, approvers and clients', () => {
  const staffAtLakeside: SenderDirectory = { clients: DIR.clients, staff: ['it@lakesidepeds.org'] };
  const lakesidePass = evidence({ dmarc: { result: 'pass', fromDomain: 'lakesidepeds.org' }, dkimPass: ['lakesidepeds.org'], spf: 'pass' });

  it('verifies staff writing from a client domain whose approver list does not name them', () => {
    expect(checkSender(mail('it@lakesidepeds.org'), staffAtLakeside, lakesidePass)).toEqual({ kind: 'verified', role: 'staff', address: 'it@lakesidepeds.org', method: 'dmarc' });
  });

  it('reports unverified staff at a client domain as staff, with no client', () => {
    const v = checkSender(mail('it@lakesidepeds.org'), staffAtLakeside, null);
    expect(v).toEqual({ kind: 'unverified', role: 'staff', client: null, address: 'it@lakesidepeds.org', detail: 'no Authentication-Results from our receiving server' });
    expect(code(v)).toBe('sender_unverified');
  });

  it('reports an unverified client with its client id', () => {
    const v = checkSender(mail('dr.ortiz@lakesidepeds.org'), DIR, null);
    expect(v).toEqual({ kind: 'unverified', role: 'client', client: 'lakeside', address: 'dr.ortiz@lakesidepeds.org', detail: 'no Authentication-Results from our receiving server' });
  });

  it('rejects a non-approver even when the Sender header names an approver', () => {
    const v = checkSender(mail('frontdesk@lakesidepeds.org', { sender: 'frontdesk@lakesidepeds.org' }), DIR, lakesidePass);
    expect(v).toEqual({ kind: 'not_approver', client: 'lakeside', address: 'frontdesk@lakesidepeds.org' });
    expect(senderSummary(v)).toBe('unverified');
  });

  it('ignores a From entry without an address beside one with an address', () => {
    const m = mail('pm@riversidefm.org', { ar: [PASS] });
    const withGroup: InboundMail = { ...m, from: [{ address: '', name: 'Undisclosed recipients' }, ...m.from] };
    expect(verify(withGroup)).toEqual(VERIFIED);
  });

  it('takes the domain after the last "@" of a quoted local part', () => {
    const v = checkSender(mail('"pm@evil.example"@riversidefm.org'), DIR, evidence({ dmarc: { result: 'pass', fromDomain: 'riversidefm.org' } }));
    expect(v).toEqual({ kind: 'verified', role: 'client', client: 'riverside', address: '"pm@evil.example"@riversidefm.org', method: 'dmarc' });
  });

  it('calls an unregistered domain unknown even when the Sender header names staff', () => {
    expect(verify(mail('pm@newclinic.example', { sender: 'ops@partners.example', ar: [PASS] }))).toEqual({ kind: 'unknown_domain', address: 'pm@newclinic.example', domain: 'newclinic.example' });
  });
});

describe('authentication (RFC 7489)', () => {
  it('flags an approval whose DMARC passed for a different domain than the From', () => {
    const v = checkSender(mail('pm@riversidefm.org'), DIR, evidence({ dmarc: { result: 'pass', fromDomain: 'lakesidepeds.org' }, dkimPass: ['riversidefm.org'] }));
    expect(v).toEqual({ kind: 'unverified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', detail: 'dmarc=pass was evaluated for lakesidepeds.org, not for the From domain riversidefm.org' });
    expect(senderReason(v as Extract<SenderVerdict, { kind: 'unverified' }>)).toMatchObject({ code: 'sender_unverified' });
  });

  it('flags a DMARC result that names no From domain, even with an aligned DKIM pass', () => {
    const v = checkSender(mail('pm@riversidefm.org'), DIR, evidence({ dmarc: { result: 'pass', fromDomain: null }, dkimPass: ['riversidefm.org'] }));
    expect(v).toEqual({ kind: 'unverified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', detail: 'dmarc=pass names no header.from, so it does not say which domain it checked' });
  });

  it('flags a DMARC quarantine for the From domain, whatever DKIM says', () => {
    const v = checkSender(mail('pm@riversidefm.org'), DIR, evidence({ dmarc: { result: 'quarantine', fromDomain: 'riversidefm.org' }, dkimPass: ['riversidefm.org'], spf: 'pass' }));
    expect(v).toEqual({ kind: 'unverified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', detail: 'dmarc=quarantine; dkim=pass for riversidefm.org, which DMARC quarantine overrides; spf=pass' });
  });

  it('verifies by DKIM when DMARC for the From domain is none', () => {
    const v = checkSender(mail('pm@riversidefm.org'), DIR, evidence({ dmarc: { result: 'none', fromDomain: 'riversidefm.org' }, dkimPass: ['esp.example', 'riversidefm.org'] }));
    expect(v).toEqual({ ...VERIFIED, method: 'dkim' });
  });

  it('does not verify a DMARC none without an aligned DKIM pass, naming every signer', () => {
    const v = checkSender(mail('pm@riversidefm.org'), DIR, evidence({ dmarc: { result: 'none', fromDomain: 'riversidefm.org' }, dkimPass: ['esp.example', 'bulk.example'], spf: 'softfail' }));
    expect(v).toEqual({ kind: 'unverified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', detail: 'dmarc=none; dkim=pass for esp.example, bulk.example (not aligned with riversidefm.org); spf=softfail' });
  });

  it('does not verify without DMARC or DKIM, and says so', () => {
    const v = checkSender(mail('pm@riversidefm.org'), DIR, evidence({ spf: 'pass' }));
    expect(v).toEqual({ kind: 'unverified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', detail: 'dmarc=none; no passing DKIM signature; spf=pass' });
  });

  it('does not align a DKIM signer that only ends with the From organization', () => {
    const v = checkSender(mail('pm@riversidefm.org'), DIR, evidence({ dkimPass: ['notriversidefm.org.'] }));
    expect(v).toMatchObject({ kind: 'unverified', detail: 'dmarc=none; dkim=pass for notriversidefm.org. (not aligned with riversidefm.org); spf=none' });
  });

  it('aligns a DKIM signer written with a root dot', () => {
    expect(checkSender(mail('pm@riversidefm.org'), DIR, evidence({ dkimPass: ['riversidefm.org.'] }))).toEqual({ ...VERIFIED, method: 'dkim' });
  });

  it('does not verify a DMARC pass for a domain that differs only in a dot', () => {
    const v = checkSender(mail('pm@riversidefm.org'), DIR, evidence({ dmarc: { result: 'pass', fromDomain: 'riversidefmorg' } }));
    expect(v).toMatchObject({ kind: 'unverified', detail: 'dmarc=pass was evaluated for riversidefmorg, not for the From domain riversidefm.org' });
  });

  it('compares an undecodable domain without regard to case', () => {
    // "xn--a" is not valid punycode, so the IDNA form is empty and the lower-cased name is compared.
    const dir: SenderDirectory = { clients: [{ id: 'odd', name: 'Odd', domains: ['xn--a.example'], approvers: [] }], staff: [] };
    const v = checkSender(mail('pm@xn--a.example'), dir, evidence({ dmarc: { result: 'pass', fromDomain: 'XN--A.EXAMPLE' } }));
    expect(v).toEqual({ kind: 'verified', role: 'client', client: 'odd', address: 'pm@xn--a.example', method: 'dmarc' });
    const other = checkSender(mail('pm@xn--a.example'), dir, evidence({ dmarc: { result: 'pass', fromDomain: 'XN--B.EXAMPLE' } }));
    expect(other).toMatchObject({ kind: 'unverified', detail: expect.stringContaining('evaluated for XN--B.EXAMPLE') });
  });

  it('does not take an undecodable domain with "ß" for the one with "ss"', () => {
    // Upper-casing would make both "SS"; the lower-cased names differ, and so do the domains.
    const dir: SenderDirectory = { clients: [{ id: 'odd', name: 'Odd', domains: ['xn--a.ss.example'], approvers: [] }], staff: [] };
    const v = checkSender(mail('pm@xn--a.ss.example'), dir, evidence({ dmarc: { result: 'pass', fromDomain: 'xn--a.ß.example' } }));
    expect(v).toEqual({ kind: 'unverified', role: 'client', client: 'odd', address: 'pm@xn--a.ss.example', detail: 'dmarc=pass was evaluated for xn--a.ß.example, not for the From domain xn--a.ss.example' });
  });
});
