import { describe, expect, it } from 'vitest';
import { evidenceFromHeader, groupByMethod, parseAuthenticationResults, trustedAuthResults, type AuthResults, type MethodResult } from '../../src/core/authentication-results.js';
import { senderReason } from '../../src/core/reasons.js';
import { checkSender, type AuthEvidence } from '../../src/core/sender-policy.js';
import { AUTHSERV_ID, SENDER_DIR, senderMail } from '../helpers/sender-test-mail.js';

/**
 * What our server's Authentication-Results header (RFC 8601) becomes as evidence, asserted whole:
 * every field of the evidence, and the verdict and reason a message carrying it gets.
 */

const ours = (rest: string): string => `${AUTHSERV_ID}; ${rest}`;
const evidenceOf = (headers: string[], authservId = AUTHSERV_ID): AuthEvidence | null => evidenceFromHeader(trustedAuthResults(headers, authservId));
const verdictOf = (headers: string[], from = 'pm@riversidefm.org') => checkSender(senderMail(from, { ar: headers }), SENDER_DIR, evidenceOf(headers));
const res = (method: string, result: string, props: Record<string, string> = {}): MethodResult => ({ method, version: null, result, reason: null, props });

describe('which header is ours', () => {
  it('finds our header when the configured authserv-id is written in another case', () => {
    const headers = ['mx.google.com; dmarc=fail header.from=riversidefm.org', ours('dmarc=pass header.from=riversidefm.org')];
    expect(trustedAuthResults(headers, 'MX.Partners.Example')).toEqual({ kind: 'found', results: { authservId: AUTHSERV_ID, version: null, results: [res('dmarc', 'pass', { 'header.from': 'riversidefm.org' })] } });
  });

  it('finds our header when it writes its authserv-id in capitals', () => {
    expect(trustedAuthResults(['MX.PARTNERS.EXAMPLE; dkim=pass header.d=riversidefm.org'], AUTHSERV_ID)).toMatchObject({ kind: 'found', results: { authservId: AUTHSERV_ID } });
  });

  it('reports a malformed header of ours with where it broke, one-based', () => {
    const headers = [ours('dmarc=pass header.from=riversidefm.org; spf=pass smtp.helo="unterminated')];
    const trusted = trustedAuthResults(headers, AUTHSERV_ID);
    expect(trusted).toEqual({ kind: 'malformed', error: { at: 94, expected: `'"' closing the string opened at 80` } });
    expect(evidenceFromHeader(trusted)).toEqual({
      source: 'authentication-results',
      dmarc: null,
      dkimPass: [],
      spf: null,
      doubt: `our server's Authentication-Results header is malformed (expected '"' closing the string opened at 80 at character 95)`,
    });
    const v = verdictOf(headers);
    expect(v).toEqual({ kind: 'unverified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', detail: `our server's Authentication-Results header is malformed (expected '"' closing the string opened at 80 at character 95)` });
    expect(senderReason(v as Extract<typeof v, { kind: 'unverified' }>).code).toBe('sender_unverified');
  });
});

describe('our header made too long', () => {
  it('refuses our own header over 64 KiB instead of believing a forged pass below it', () => {
    // A sender can add DKIM signatures until our server's header passes the size cap; skipping it as
    // "not ours" would trust the next header with our id, which the sender wrote.
    const top = ours(`${'dkim=fail header.d=signer.example; '.repeat(2_000)}dmarc=fail header.from=riversidefm.org`);
    expect(top.length).toBeGreaterThan(65_536);
    const headers = [top, ours('dmarc=pass header.from=riversidefm.org')];
    expect(trustedAuthResults(headers, AUTHSERV_ID)).toEqual({ kind: 'malformed', error: { at: 65_536, expected: 'at most 65536 characters' } });
    expect(verdictOf(headers)).toEqual({
      kind: 'unverified',
      role: 'client',
      client: 'riverside',
      address: 'pm@riversidefm.org',
      detail: "our server's Authentication-Results header is malformed (expected at most 65536 characters at character 65537)",
    });
  });

  it('reads a header of exactly 64 KiB', () => {
    const head = ours('dmarc=pass header.from=riversidefm.org; spf=none smtp.helo=');
    const value = head + 'h'.repeat(65_536 - head.length);
    expect(value.length).toBe(65_536);
    expect(verdictOf([value])).toEqual({ kind: 'verified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', method: 'dmarc' });
  });
});

describe('headers our grammar refuses (RFC 8601 §2.2)', () => {
  it.each([
    ['a method with no result before the next ";"', 'mx.partners.example; dmarc; spf=pass smtp.mailfrom=riversidefm.org', { at: 26, expected: '"=" after the method dmarc' }],
    ['a lone method name at the end', 'mx.partners.example; dmarc', { at: 26, expected: '"=" after the method dmarc' }],
    ['a ";" with nothing after it and no result before it', 'mx.partners.example;', { at: 20, expected: 'a method name' }],
  ])('refuses %s, saying where and what it expected', (_name, value, error) => {
    expect(parseAuthenticationResults(value)).toEqual({ ok: false, error });
    expect(verdictOf([value])).toMatchObject({ kind: 'unverified', detail: expect.stringContaining('is malformed') });
  });

  it('tolerates one ";" after the last result', () => {
    expect(parseAuthenticationResults('mx.partners.example; dmarc=pass header.from=riversidefm.org;')).toMatchObject({ ok: true, value: { results: [{ method: 'dmarc', result: 'pass' }] } });
  });
});

describe('evidence from our header', () => {
  it('reads DMARC, the passing DKIM signers lower-cased, and SPF, with no doubt', () => {
    const ev = evidenceOf([ours('dkim=pass header.d=Mail.RiversideFM.org; dkim=pass header.i=pm@ESP.Example; spf=pass smtp.mailfrom=riversidefm.org; dmarc=pass header.from=RiversideFM.org')]);
    expect(ev).toStrictEqual({ source: 'authentication-results', dmarc: { result: 'pass', fromDomain: 'riversidefm.org' }, dkimPass: ['mail.riversidefm.org', 'esp.example'], spf: 'pass' });
  });

  it('has no DMARC, no DKIM and no SPF when our server did no authentication', () => {
    expect(evidenceOf([ours('none')])).toStrictEqual({ source: 'authentication-results', dmarc: null, dkimPass: [], spf: null });
  });

  it('keeps a DMARC result without header.from as naming no domain', () => {
    expect(evidenceOf([ours('dmarc=pass')])).toStrictEqual({ source: 'authentication-results', dmarc: { result: 'pass', fromDomain: null }, dkimPass: [], spf: null });
  });

  it('prefers header.d to header.i, and leaves out a DKIM pass that names no signer', () => {
    const ev = evidenceOf([ours('dkim=pass header.d=riversidefm.org header.i=@evil.example; dkim=pass header.s=s1')]);
    expect(ev).toStrictEqual({ source: 'authentication-results', dmarc: null, dkimPass: ['riversidefm.org'], spf: null });
    const v = verdictOf([ours('dkim=pass header.s=s1; spf=pass smtp.mailfrom=riversidefm.org')]);
    expect(v).toEqual({ kind: 'unverified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', detail: 'dmarc=none; no passing DKIM signature; spf=pass' });
  });

  it('names a signer written as header.i by the domain after its last "@"', () => {
    expect(evidenceOf([ours('dkim=pass header.i="a@b"@riversidefm.org')])).toMatchObject({ dkimPass: ['riversidefm.org'] });
    expect(verdictOf([ours('dkim=pass header.i=pm@riversidefm.org')])).toEqual({ kind: 'verified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', method: 'dkim' });
  });

  it('names a non-aligned DKIM signer lower-cased in the reason', () => {
    const v = verdictOf([ours('dkim=pass header.d=ESP.Example; dmarc=fail header.from=riversidefm.org')]);
    expect(v).toEqual({ kind: 'unverified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', detail: 'dmarc=fail; dkim=pass for esp.example (not aligned with riversidefm.org); spf=none' });
  });

  it('reports every distinct SPF result once, in the order written', () => {
    expect(evidenceOf([ours('spf=pass smtp.mailfrom=a.example; spf=fail smtp.helo=b.example; spf=pass smtp.mailfrom=c.example')])).toMatchObject({ spf: 'pass/fail' });
    expect(evidenceOf([ours('spf=softfail smtp.mailfrom=a.example; spf=softfail smtp.helo=a.example')])).toMatchObject({ spf: 'softfail' });
    expect(verdictOf([ours('spf=pass smtp.mailfrom=riversidefm.org; spf=fail smtp.helo=evil.example')])).toMatchObject({ kind: 'unverified', detail: 'dmarc=none; no passing DKIM signature; spf=pass/fail' });
  });

  it('believes the first of several agreeing DMARC results', () => {
    const ev = evidenceOf([ours('dmarc=pass (first) header.from=riversidefm.org; dmarc=pass header.from=RIVERSIDEFM.ORG')]);
    expect(ev).toStrictEqual({ source: 'authentication-results', dmarc: { result: 'pass', fromDomain: 'riversidefm.org' }, dkimPass: [], spf: null });
  });
});

describe('doubt: one method reported several ways', () => {
  it('names each distinct DMARC outcome once, and counts every line', () => {
    const headers = [ours('dmarc=pass header.from=riversidefm.org; dmarc=pass header.from=RiversideFM.org; dmarc=fail header.from=riversidefm.org')];
    const doubt = 'our server reported DMARC 3 times with different results (pass for riversidefm.org; fail for riversidefm.org)';
    expect(evidenceOf(headers)).toStrictEqual({ source: 'authentication-results', dmarc: { result: 'pass', fromDomain: 'riversidefm.org' }, dkimPass: [], spf: null, doubt });
    expect(verdictOf(headers)).toEqual({ kind: 'unverified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', detail: doubt });
  });

  it('doubts a DMARC pass beside one that names no From domain', () => {
    const headers = [ours('dmarc=pass header.from=riversidefm.org; dmarc=pass')];
    expect(evidenceOf(headers)).toMatchObject({ doubt: 'our server reported DMARC 2 times with different results (pass for riversidefm.org; pass for no header.from)' });
    expect(verdictOf(headers)).toMatchObject({ kind: 'unverified', detail: expect.stringContaining('reported DMARC 2 times') });
  });

  it('doubts DMARC passes for "straße.example" and "strasse.example", two different domains', () => {
    // They differ lower-cased but not upper-cased ("STRASSE"): the comparison must be the lower-case one.
    const headers = [ours('dmarc=pass header.from=straße.example; dmarc=pass header.from=strasse.example')];
    const doubt = 'our server reported DMARC 2 times with different results (pass for straße.example; pass for strasse.example)';
    expect(evidenceOf(headers)).toStrictEqual({ source: 'authentication-results', dmarc: { result: 'pass', fromDomain: 'straße.example' }, dkimPass: [], spf: null, doubt });
    const dir = { clients: [{ id: 'strasse', name: 'Straße', domains: ['xn--strae-oqa.example'], approvers: [] }], staff: [] };
    const v = checkSender(senderMail('pm@xn--strae-oqa.example', { ar: headers }), dir, evidenceOf(headers));
    expect(v).toEqual({ kind: 'unverified', role: 'client', client: 'strasse', address: 'pm@xn--strae-oqa.example', detail: doubt });
  });

  it('does not doubt one DMARC result', () => {
    expect(evidenceOf([ours('dmarc=pass header.from=riversidefm.org; spf=fail smtp.mailfrom=riversidefm.org; spf=pass smtp.helo=riversidefm.org')])).not.toHaveProperty('doubt');
  });

  it('does not doubt two DKIM passes for different signers: a message may carry several signatures', () => {
    const headers = [ours('dkim=pass header.d=esp.example; dkim=pass header.d=riversidefm.org')];
    expect(evidenceOf(headers)).toStrictEqual({ source: 'authentication-results', dmarc: null, dkimPass: ['esp.example', 'riversidefm.org'], spf: null });
    expect(verdictOf(headers)).toEqual({ kind: 'verified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', method: 'dkim' });
  });

  it('doubts a DKIM pass beside a DKIM fail, naming each signer lower-cased or its absence', () => {
    const headers = [ours('dkim=pass header.d=RiversideFM.org; dkim=fail; dkim=fail header.i=@Evil.Example')];
    const doubt = 'our server reported DKIM 3 times with different results (pass for riversidefm.org; fail for no header.d; fail for evil.example)';
    expect(evidenceOf(headers)).toStrictEqual({ source: 'authentication-results', dmarc: null, dkimPass: ['riversidefm.org'], spf: null, doubt });
    expect(verdictOf(headers)).toEqual({ kind: 'unverified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', detail: doubt });
  });

  it('names the DMARC disagreement before the DKIM one, and either before a version', () => {
    const both = evidenceOf([ours('dkim/2=pass header.d=riversidefm.org; dkim=fail header.d=riversidefm.org; dmarc=pass header.from=riversidefm.org; dmarc=fail header.from=riversidefm.org')]);
    expect(both?.doubt).toBe('our server reported DMARC 2 times with different results (pass for riversidefm.org; fail for riversidefm.org)');
    const dkimAndVersion = evidenceOf([ours('dmarc/2=pass header.from=riversidefm.org; dkim=pass header.d=riversidefm.org; dkim=fail header.d=riversidefm.org')]);
    expect(dkimAndVersion?.doubt).toBe('our server reported DKIM 2 times with different results (pass for riversidefm.org; fail for riversidefm.org)');
  });
});

describe('doubt: a method version Countersign does not read (RFC 8601 §2.2)', () => {
  it('names the DMARC version it does not read', () => {
    const headers = [ours('dmarc/2=pass header.from=riversidefm.org')];
    expect(evidenceOf(headers)).toStrictEqual({ source: 'authentication-results', dmarc: { result: 'pass', fromDomain: 'riversidefm.org' }, dkimPass: [], spf: null, doubt: 'dmarc/2 is a method version Countersign does not read' });
    expect(verdictOf(headers)).toMatchObject({ kind: 'unverified', detail: 'dmarc/2 is a method version Countersign does not read' });
  });

  it('names a DKIM version 0 too', () => {
    expect(evidenceOf([ours('dkim/0=pass header.d=riversidefm.org')])).toMatchObject({ doubt: 'dkim/0 is a method version Countersign does not read' });
  });

  it('reads DMARC and DKIM written as version 1, and ignores the version of other methods', () => {
    const headers = [ours('dmarc/1=pass header.from=riversidefm.org; dkim/1=pass header.d=riversidefm.org; spf/3=pass smtp.mailfrom=riversidefm.org')];
    expect(evidenceOf(headers)).toStrictEqual({ source: 'authentication-results', dmarc: { result: 'pass', fromDomain: 'riversidefm.org' }, dkimPass: ['riversidefm.org'], spf: 'pass' });
    expect(verdictOf(headers)).toEqual({ kind: 'verified', role: 'client', client: 'riverside', address: 'pm@riversidefm.org', method: 'dmarc' });
  });
});

describe('grouping results by method', () => {
  it('keeps every result of a method in the order written', () => {
    const a = res('dkim', 'pass', { 'header.d': 'a.example' });
    const b = res('spf', 'pass');
    const c = res('dkim', 'fail', { 'header.d': 'b.example' });
    const d = res('dkim', 'neutral');
    const groups = groupByMethod([a, b, c, d]);
    expect([...groups.entries()]).toEqual([
      ['dkim', [a, c, d]],
      ['spf', [b]],
    ]);
  });

  it('is empty for a header with no results', () => {
    const none: AuthResults = { authservId: AUTHSERV_ID, version: 1, results: [] };
    expect(groupByMethod(none.results).size).toBe(0);
  });
});
