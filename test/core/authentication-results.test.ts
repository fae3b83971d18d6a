import { describe, expect, it } from 'vitest';
import { evidenceFromHeader, groupByMethod, parseAuthenticationResults, trustedAuthResults, type AuthResults, type MethodResult } from '../../src/core/authentication-results.js';
import { checkSender, type SenderVerdict } from '../../src/core/sender-policy.js';
import { AUTHSERV_ID, SENDER_DIR, senderMail } from '../helpers/sender-test-mail.js';

const res = (method: string, result: string, props: Record<string, string> = {}, extra: Partial<MethodResult> = {}): MethodResult => ({ method, version: null, result, reason: null, props, ...extra });
const header = (authservId: string, results: MethodResult[], version: number | null = null): AuthResults => ({ authservId, version, results });

describe('Authentication-Results parsed by the RFC 8601 grammar', () => {
  // Appendix B of RFC 8601, header by header (the examples' own header fields, unfolded).
  it.each<[string, string, AuthResults]>([
    ['B.2: service provided, no authentication done', 'example.org 1; none', header('example.org', [], 1)],
    ['B.3: one result', 'example.com; spf=pass smtp.mailfrom=example.net', header('example.com', [res('spf', 'pass', { 'smtp.mailfrom': 'example.net' })])],
    [
      'B.4: several results, a comment, an address as a value',
      'example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n          spf=pass smtp.mailfrom=example.net',
      header('example.com', [res('auth', 'pass', { 'smtp.auth': 'sender@example.net' }), res('spf', 'pass', { 'smtp.mailfrom': 'example.net' })]),
    ],
    ['B.4: the second header, a policy property', 'example.com; iprev=pass\r\n          policy.iprev=192.0.2.200', header('example.com', [res('iprev', 'pass', { 'policy.iprev': '192.0.2.200' })])],
    ['B.5: a DKIM pass with a comment', 'example.com;\r\n          dkim=pass (good signature) header.d=example.com', header('example.com', [res('dkim', 'pass', { 'header.d': 'example.com' })])],
    [
      'B.6: quoted reasons, header.i as @domain, two results for one method',
      'example.com;\r\n    dkim=pass reason="good signature"\r\n      header.i=@mail-router.example.net;\r\n    dkim=fail reason="bad signature"\r\n      header.i=@newyork.example.com',
      header('example.com', [
        res('dkim', 'pass', { 'header.i': '@mail-router.example.net' }, { reason: 'good signature' }),
        res('dkim', 'fail', { 'header.i': '@newyork.example.com' }, { reason: 'bad signature' }),
      ]),
    ],
    [
      'B.7: comments everywhere the grammar allows CFWS',
      "foo.example.net (foobar) 1 (baz);\r\n    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n      policy (A dot can go here) . (like that) expired\r\n      (this surprised me) = (as I wasn't expecting it) 1362471462",
      header('foo.example.net', [res('dkim', 'fail', { 'policy.expired': '1362471462' }, { version: 1 })], 1),
    ],
    [
      'a quoted local part holding ";" stays one value (the issue: smtp.mailfrom="x;dmarc=pass"@evil.example)',
      'mx.partners.example; spf=pass smtp.mailfrom="x;dmarc=pass"@evil.example; dkim=none; dmarc=fail header.from=riversidefm.org',
      header('mx.partners.example', [res('spf', 'pass', { 'smtp.mailfrom': '"x;dmarc=pass"@evil.example' }), res('dkim', 'none'), res('dmarc', 'fail', { 'header.from': 'riversidefm.org' })]),
    ],
    [
      'a quoted-pair escapes a quote inside a quoted string',
      String.raw`mx.partners.example; spf=none smtp.helo="a\";dmarc=pass header.from=riversidefm.org"`,
      header('mx.partners.example', [res('spf', 'none', { 'smtp.helo': 'a";dmarc=pass header.from=riversidefm.org' })]),
    ],
    [
      'a comment nests, escapes its parentheses, and holds quotes as plain text',
      String.raw`mx.partners.example; dkim=pass (outer (inner \) ; dmarc=pass) "a quote; in a comment is text) header.d=riversidefm.org`,
      header('mx.partners.example', [res('dkim', 'pass', { 'header.d': 'riversidefm.org' })]),
    ],
    ['a quoted authserv-id is the same id', '"MX.Partners.Example"; none', header('mx.partners.example', [])],
    [
      'names are case-insensitive; values keep their case',
      'mx.partners.example; DMARC=PASS Header.From=RiversideFM.org',
      header('mx.partners.example', [res('dmarc', 'pass', { 'header.from': 'RiversideFM.org' })]),
    ],
    [
      'a DKIM header.b written as bare base64 (OpenDKIM, rspamd)',
      'mx.partners.example; dkim=pass header.d=riversidefm.org header.s=s1 header.b=Ab/Cd+e=',
      header('mx.partners.example', [res('dkim', 'pass', { 'header.d': 'riversidefm.org', 'header.s': 's1', 'header.b': 'Ab/Cd+e=' })]),
    ],
    [
      "Microsoft 365's bare action=none is kept aside, never read",
      'mx.partners.example; spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=riversidefm.org;dmarc=pass action=none header.from=riversidefm.org;compauth=pass reason=100',
      header('mx.partners.example', [
        res('spf', 'pass', { 'smtp.mailfrom': 'riversidefm.org' }),
        res('dmarc', 'pass', { action: 'none', 'header.from': 'riversidefm.org' }),
        res('compauth', 'pass', {}, { reason: '100' }),
      ]),
    ],
    ['a trailing ";" after the last result', 'mx.partners.example; dmarc=none header.from=riversidefm.org;', header('mx.partners.example', [res('dmarc', 'none', { 'header.from': 'riversidefm.org' })])],
    ['a quoted property value', 'mx.partners.example; dkim=pass header.d="riversidefm.org" header.s="sel 1"', header('mx.partners.example', [res('dkim', 'pass', { 'header.d': 'riversidefm.org', 'header.s': 'sel 1' })])],
  ])('%s', (_name, value, expected) => {
    expect(parseAuthenticationResults(value)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, string, string]>([
    ['an empty header', '', 'an authserv-id'],
    ['an authserv-id and nothing else', 'mx.partners.example', '";" after the authserv-id'],
    ['an unterminated quoted string', 'mx.partners.example; spf=pass smtp.helo="a; dmarc=pass header.from=riversidefm.org', `'"' closing the string`],
    ['a quoted string ending in a lone backslash', 'mx.partners.example; spf=pass smtp.helo="a\\', 'a character after "\\"'],
    ['an unterminated comment', 'mx.partners.example; dmarc=pass (p=none header.from=riversidefm.org', '")" closing the comment'],
    ['a comment ending in a lone backslash', 'mx.partners.example; dmarc=pass (p=none \\', '")" closing the comment'],
    ['a stray ")"', 'mx.partners.example; dmarc=pass) header.from=riversidefm.org', '";", a space or the end of the header'],
    ['a method without "="', 'mx.partners.example; dmarc pass header.from=riversidefm.org', '"=" after the method dmarc'],
    ['a method without a result', 'mx.partners.example; dmarc= ; dkim=pass', 'a result for dmarc'],
    ['a result ending in "-"', 'mx.partners.example; dmarc=pass- header.from=riversidefm.org', 'a result for dmarc'],
    ['a method version that is not a number', 'mx.partners.example; dkim/x=pass header.d=riversidefm.org', 'a method version'],
    ['a property without a value', 'mx.partners.example; dmarc=pass header.from=', 'a property value'],
    ['a property without its name', 'mx.partners.example; dmarc=pass header.=riversidefm.org', 'a property name after "."'],
    ['a property without "="', 'mx.partners.example; dmarc=pass header.from riversidefm.org', '"=" after header.from'],
    ['a property written twice', 'mx.partners.example; dmarc=pass header.from=attacker.example header.from=riversidefm.org', 'header.from only once'],
    ['a value glued to the next property', 'mx.partners.example; spf=none smtp.helo="a"header.from=riversidefm.org', '";", a space or the end of the header'],
    ['"none" beside results', 'mx.partners.example; none; dmarc=pass header.from=riversidefm.org', '"none" alone'],
    ['a header version other than 1', 'mx.partners.example 2; dmarc=pass header.from=riversidefm.org', 'version 1'],
    ['a control character in a value', 'mx.partners.example; dmarc=pass header.from=riversidefm.org\u0000evil', '";", a space or the end of the header'],
    ['a "(" inside a quoted string inside a comment, which opens a comment (RFC 5322 §3.2.2)', 'mx.partners.example; dkim=pass (a "(" b) header.d=riversidefm.org', '")" closing the comment'],
    ['text after the last result', 'mx.partners.example; dmarc=pass header.from=riversidefm.org "x"', 'a property'],
    ['an "@" with no domain after a quoted local part', 'mx.partners.example; spf=pass smtp.mailfrom="x"@', 'a domain after "@"'],
    ['a header over 64 KiB', `mx.partners.example; spf=none (${'x'.repeat(70_000)})`, 'at most 65536 characters'],
  ])('refuses %s, naming what it expected', (_name, value, expected) => {
    const parsed = parseAuthenticationResults(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.expected).toContain(expected);
  });

  it('reports where the grammar broke', () => {
    expect(parseAuthenticationResults('mx.partners.example; dmarc pass')).toEqual({ ok: false, error: { at: 27, expected: '"=" after the method dmarc' } });
  });

  it('groups results by method, in the order written', () => {
    const parsed = parseAuthenticationResults('mx.partners.example; dkim=pass header.d=a.example; spf=pass smtp.mailfrom=a.example; dkim=fail header.d=b.example');
    expect(parsed.ok).toBe(true);
    const groups = groupByMethod(parsed.ok ? parsed.value.results : []);
    expect([...groups.keys()]).toEqual(['dkim', 'spf']);
    expect(groups.get('dkim')!.map((r) => r.result)).toEqual(['pass', 'fail']);
  });
});

describe('which header is trusted (RFC 8601 §5)', () => {
  it('takes the topmost header with our authserv-id, skipping others above it', () => {
    const chosen = trustedAuthResults(['mx.google.com; dmarc=pass header.from=riversidefm.org', 'mx.partners.example; dmarc=fail header.from=riversidefm.org', 'mx.partners.example; dmarc=pass header.from=riversidefm.org'], AUTHSERV_ID);
    expect(chosen).toMatchObject({ kind: 'found', results: { results: [{ method: 'dmarc', result: 'fail' }] } });
  });

  it('stops at our header when it is malformed, never falling back to a lower one', () => {
    const chosen = trustedAuthResults(['mx.partners.example; dmarc=fail header.from="riversidefm.org', 'mx.partners.example; dmarc=pass header.from=riversidefm.org'], AUTHSERV_ID);
    expect(chosen).toMatchObject({ kind: 'malformed', error: { expected: expect.stringContaining('closing the string') } });
  });

  it('finds nothing when no header carries our id', () => {
    expect(trustedAuthResults(['mx.partners.example.evil.example; dmarc=pass header.from=riversidefm.org'], AUTHSERV_ID)).toEqual({ kind: 'absent' });
    expect(evidenceFromHeader({ kind: 'absent' })).toBeNull();
  });
});

const PASS = 'dkim=pass header.d=riversidefm.org header.s=s1; spf=pass smtp.mailfrom=riversidefm.org; dmarc=pass (p=reject) header.from=riversidefm.org';
const ours = (rest: string): string => `${AUTHSERV_ID}; ${rest}`;
const verdictFor = (ar: string[], from = 'pm@riversidefm.org'): SenderVerdict => checkSender(senderMail(from, { ar }), SENDER_DIR, evidenceFromHeader(trustedAuthResults(ar, AUTHSERV_ID)));

describe('the verdict: DMARC for the From domain, or DKIM aligned with it (RFC 7489)', () => {
  // Each row: the Authentication-Results headers (topmost first), the From address, what must follow.
  it.each<[string, string[], string, Partial<SenderVerdict> & { detail?: unknown }]>([
    // The spoofs: a ";" inside a quoted string the sender chose, with our server saying dmarc=fail.
    ['a quoted smtp.mailfrom holding "dmarc=pass" beside our dmarc=fail', [ours('spf=pass smtp.mailfrom="x;dmarc=pass"@evil.example; dkim=none; dmarc=fail header.from=riversidefm.org')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('dmarc=fail') }],
    ['a quoted smtp.helo holding "dmarc=pass" beside our dmarc=fail', [ours('spf=none smtp.helo="a;dmarc=pass"; dmarc=fail header.from=riversidefm.org')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('dmarc=fail') }],
    ['a quoted reason holding a whole dmarc=pass result', [ours('dkim=fail reason="; dmarc=pass header.from=riversidefm.org" header.d=riversidefm.org')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('no passing DKIM signature') }],
    ['a comment holding dmarc=pass', [ours('dkim=none (dmarc=pass header.from=riversidefm.org); dmarc=fail (; dmarc=pass) header.from=riversidefm.org')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('dmarc=fail') }],
    ['a comment with an escaped parenthesis hiding dmarc=pass', [ours(String.raw`dkim=none (a \) ; dmarc=pass header.from=riversidefm.org ;) ; dmarc=fail header.from=riversidefm.org`)], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('dmarc=fail') }],
    // Which header.
    ['a forged pass below our fail', [ours('dmarc=fail header.from=riversidefm.org'), ours(PASS)], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('dmarc=fail') }],
    ['a forged pass below our header written with a quoted authserv-id', [`"${AUTHSERV_ID}"; dmarc=fail header.from=riversidefm.org`, ours(PASS)], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('dmarc=fail') }],
    ['a forged pass below our malformed header', [ours('dmarc=fail header.from=riversidefm.org; spf=pass smtp.helo="unterminated'), ours(PASS)], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('malformed') }],
    ['our malformed header alone, with a pass in it', [ours('dmarc=pass header.from=riversidefm.org; spf=pass smtp.helo="unterminated')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('malformed') }],
    ['a foreign authserv-id above ours', ['mx.google.com; dmarc=pass header.from=riversidefm.org', ours('dmarc=fail header.from=riversidefm.org')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('dmarc=fail') }],
    ['only a foreign authserv-id', ['mx.google.com; ' + PASS], 'pm@riversidefm.org', { kind: 'unverified', detail: 'no Authentication-Results from our receiving server' }],
    ['an authserv-id that only begins like ours', [`${AUTHSERV_ID}.evil.example; ${PASS}`], 'pm@riversidefm.org', { kind: 'unverified', detail: 'no Authentication-Results from our receiving server' }],
    // DMARC.
    ['dmarc=pass for another domain', [ours('dmarc=pass header.from=attacker.example')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('evaluated for attacker.example') }],
    ['dmarc=pass without header.from', [ours('dmarc=pass')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('names no header.from') }],
    ['dmarc=pass for the parent of a listed subdomain', [ours('dmarc=pass header.from=riversidefm.org')], 'pm@clinic.riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('evaluated for riversidefm.org') }],
    ['dmarc=pass and dmarc=fail', [ours('dmarc=pass header.from=riversidefm.org; dmarc=fail header.from=riversidefm.org')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('reported DMARC 2 times with different results') }],
    ['dmarc=fail and dmarc=pass', [ours('dmarc=fail header.from=riversidefm.org; dmarc=pass header.from=riversidefm.org')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('reported DMARC 2 times') }],
    ['two dmarc=pass for two domains', [ours('dmarc=pass header.from=riversidefm.org; dmarc=pass header.from=attacker.example')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('pass for attacker.example') }],
    ['a property smuggled into a quoted value', [ours('dmarc=pass header.from=attacker.example policy.x="header.from=riversidefm.org"')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('attacker.example') }],
    ['dmarc/2=pass, a version we do not read', [ours('dmarc/2=pass header.from=riversidefm.org')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('dmarc/2') }],
    ['dmarc=pass, the same twice', [ours('dmarc=pass header.from=riversidefm.org; dmarc=pass header.from=RIVERSIDEFM.ORG')], 'pm@riversidefm.org', { kind: 'verified', method: 'dmarc' }],
    ['dmarc=pass with a quoted header.from and comments', [ours('dmarc (ours) = pass (p=reject) header (x) . from = "RiversideFM.org"')], 'pm@riversidefm.org', { kind: 'verified', method: 'dmarc' }],
    ['dmarc=pass for a listed subdomain', [ours('dmarc=pass header.from=clinic.riversidefm.org')], 'pm@clinic.riversidefm.org', { kind: 'verified', method: 'dmarc' }],
    // DKIM, relaxed alignment by organizational domain.
    ['dkim=pass from an unrelated signer', [ours('dkim=pass header.d=esp.example')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('not aligned with riversidefm.org') }],
    ['dkim=pass from the same name under another suffix', [ours('dkim=pass header.d=riversidefm.com')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('not aligned') }],
    ['dkim=pass from a public suffix', [ours('dkim=pass header.d=org')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('not aligned') }],
    ['dkim=pass from a domain ending in the client domain', [ours('dkim=pass header.d=evilriversidefm.org')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('not aligned') }],
    ['dkim=pass with reason= after the properties claiming another header.d', [ours('dkim=pass header.d=evil.example reason="header.d=riversidefm.org"')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('evil.example') }],
    ['dkim=pass aligned but dmarc=fail', [ours('dkim=pass header.d=riversidefm.org; dmarc=fail header.from=riversidefm.org')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('DMARC fail overrides') }],
    ['dkim=pass and dkim=fail for the From domain', [ours('dkim=pass header.d=riversidefm.org; dkim=fail header.d=riversidefm.org')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('reported DKIM 2 times') }],
    ['dkim/2=pass, a version we do not read', [ours('dkim/2=pass header.d=riversidefm.org')], 'pm@riversidefm.org', { kind: 'unverified', detail: expect.stringContaining('dkim/2') }],
    ['dkim=pass from an aligned subdomain', [ours('dkim=pass header.d=mail.riversidefm.org')], 'pm@riversidefm.org', { kind: 'verified', method: 'dkim' }],
    ['dkim=pass for the parent of a listed subdomain', [ours('dkim=pass header.d=riversidefm.org')], 'pm@clinic.riversidefm.org', { kind: 'verified', method: 'dkim' }],
    ['dkim=pass named by header.i only', [ours('dkim=pass header.i=@riversidefm.org')], 'pm@riversidefm.org', { kind: 'verified', method: 'dkim' }],
    ['dkim=pass aligned and dmarc=none (no policy published)', [ours('dkim=pass header.d=riversidefm.org; dmarc=none header.from=riversidefm.org')], 'pm@riversidefm.org', { kind: 'verified', method: 'dkim' }],
    ['dkim/1=pass, the version we read', [ours('dkim/1=pass header.d=riversidefm.org')], 'pm@riversidefm.org', { kind: 'verified', method: 'dkim' }],
    // Nothing at all.
    ['our server did no authentication', [ours('none')], 'pm@riversidefm.org', { kind: 'unverified', detail: 'dmarc=none; no passing DKIM signature; spf=none' }],
    ['the clean pass', [ours(PASS)], 'pm@riversidefm.org', { kind: 'verified', method: 'dmarc', client: 'riverside' }],
  ])('%s', (_name, ar, from, expected) => {
    expect(verdictFor(ar, from)).toMatchObject(expected);
  });
});
