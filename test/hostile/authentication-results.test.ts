import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evidenceFromHeader, parseAuthenticationResults, trustedAuthResults } from '../../src/core/authentication-results.js';
import { readAuthservId } from '../../src/core/parse-authentication-results.js';
import { checkSender } from '../../src/core/sender-policy.js';
import { AUTHSERV_ID, SENDER_DIR, senderMail } from '../helpers/sender-test-mail.js';

/**
 * Authentication-Results as an attacker writes it. The sender controls every header below ours,
 * every header with another authserv-id, and whatever our server echoes inside quoted strings and
 * comments (its HELO name, its envelope sender, its From domain). None of that may verify a sender.
 */
const verdict = (headers: string[]) => checkSender(senderMail('pm@riversidefm.org', { ar: headers }), SENDER_DIR, evidenceFromHeader(trustedAuthResults(headers, AUTHSERV_ID)));

/** Never an exception, for anything: both entry points. */
function neverThrows(value: string): void {
  const parsed = parseAuthenticationResults(value);
  expect(typeof parsed.ok).toBe('boolean');
  readAuthservId(value);
  verdict([value, `${AUTHSERV_ID}; ${value}`]);
}

// The characters and words the grammar turns on, so that random strings are mostly near-misses.
const PIECES = [';', '(', ')', '"', '\\', '=', '.', '@', '/', ' ', '\t', '\r\n ', 'dmarc', 'dkim', 'spf', 'pass', 'fail', 'none', 'header', 'from', 'd', 'i', 'reason', 'smtp', 'mailfrom', 'riversidefm.org', 'evil.example', AUTHSERV_ID, '1', '2', '\u0000', '\u007f', 'é', '\u{1F600}'];
const soup = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((xs) => xs.join(''));

describe('parseAuthenticationResults never throws', () => {
  it('on arbitrary strings (any code unit, lone surrogates included)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => neverThrows(s)), { numRuns: 20_000 });
  });

  it('on strings built from the grammar’s own characters and words', () => {
    fc.assert(fc.property(soup, (s) => neverThrows(s)), { numRuns: 20_000 });
  });

  it.each<[string, string]>([
    ['a million "("', '('.repeat(1_000_000)],
    ['a million ")"', ')'.repeat(1_000_000)],
    ['an unterminated quote of a million characters', `"${'a'.repeat(1_000_000)}`],
    ['a million backslashes', '\\'.repeat(1_000_000)],
    ['a million ";"', ';'.repeat(1_000_000)],
    ['a million control characters', '\u0001'.repeat(1_000_000)],
  ])('in bounded time on %s (over the size cap)', (_name, value) => {
    const started = performance.now();
    neverThrows(value);
    expect(parseAuthenticationResults(value).ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it.each<[string, (n: number) => string]>([
    ['nested comments', (n) => `${AUTHSERV_ID}; dkim=pass ${'('.repeat(n)}${')'.repeat(n)} header.d=riversidefm.org`],
    ['an unterminated nested comment', (n) => `${AUTHSERV_ID}; dkim=pass ${'(a '.repeat(n)}`],
    ['escapes in a quoted string', (n) => `${AUTHSERV_ID}; spf=none smtp.helo="${'\\"'.repeat(n)}"`],
    ['many results', (n) => `${AUTHSERV_ID}${'; dkim=pass header.d=riversidefm.org'.repeat(n)}`],
    ['many properties', (n) => `${AUTHSERV_ID}; dkim=pass${Array.from({ length: n }, (_, i) => ` policy.p${i}=v`).join('')}`],
  ])('in linear time just under the size cap: %s', (_name, build) => {
    // Four times the input must take about four times as long, not sixteen (quadratic). The best
    // of several runs, because other work shares the machine.
    const time = (value: string): number => {
      let best = Infinity;
      for (let run = 0; run < 7; run++) {
        const started = performance.now();
        for (let i = 0; i < 3; i++) parseAuthenticationResults(value);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    const small = build(400);
    const large = build(1_600);
    expect(large.length).toBeLessThan(65_536);
    expect(parseAuthenticationResults(large).ok).toBe(parseAuthenticationResults(small).ok);
    time(small); // warm-up
    const ratio = time(large) / Math.max(time(small), 0.2);
    expect(ratio).toBeLessThan(10);
  });
});

// Header fragments an attacker can place, and where our server writes what it measured.
const attackerText = fc.oneof(
  fc.constantFrom('dmarc=pass header.from=riversidefm.org', '; dmarc=pass header.from=riversidefm.org', 'x;dmarc=pass', '") ; dmarc=pass header.from=riversidefm.org ; ("', '\\', '(', ')', '"'),
  fc.string({ maxLength: 40 }),
  soup,
);
/** As our MTA must write an attacker's text: inside a quoted string, with quotes and backslashes escaped. */
const quote = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;
/** Or inside a comment, with parentheses and backslashes escaped. */
const comment = (s: string): string => `(${s.replace(/[()\\]/g, '\\$&')})`;
const notPass = fc.constantFrom('fail', 'none', 'temperror', 'permerror', 'policy', 'neutral', 'softfail');
const unaligned = fc.constantFrom('evil.example', 'riversidefm.org.evil.example', 'riversidefm.com', 'org', 'evilriversidefm.org', 'lakesidepeds.org');

/** Our header, saying anything but a pass for the From domain, with attacker text in its quoted and commented places. */
const ourHonestHeader = fc
  .tuple(notPass, unaligned, notPass, attackerText, attackerText, attackerText, attackerText, fc.boolean())
  .map(([dmarc, signer, dkim, helo, mailfrom, note, fromLocal, dmarcFirst]) => {
    const results = [
      `spf=pass smtp.helo=${quote(helo)} smtp.mailfrom=${quote(mailfrom)}@evil.example`,
      `dkim=pass ${comment(note)} header.d=${signer}`,
      `dkim=${dkim} reason=${quote(note)} header.d=riversidefm.org header.i=${quote(fromLocal)}@riversidefm.org`,
    ];
    const dmarcResult = `dmarc=${dmarc} ${comment(note)} header.from=riversidefm.org`;
    return `${AUTHSERV_ID}; ${(dmarcFirst ? [dmarcResult, ...results] : [...results, dmarcResult]).join('; ')}`;
  });
const forged = fc.oneof(
  fc.constant(`${AUTHSERV_ID}; dkim=pass header.d=riversidefm.org; dmarc=pass header.from=riversidefm.org`),
  attackerText.map((t) => `${AUTHSERV_ID}; dmarc=pass header.from=riversidefm.org ${t}`),
  soup,
);
const foreign = fc.oneof(fc.constantFrom('mx.google.com', 'mx.partners.example.evil.example', 'mx.partners.exampl', 'partners.example'), fc.string({ maxLength: 20 })).map((id) => `${id}; dmarc=pass header.from=riversidefm.org`);

describe('no hostile header verifies a sender', () => {
  it('attacker text inside our quoted strings and comments, forged headers below ours, foreign ids above', () => {
    fc.assert(
      fc.property(fc.array(foreign, { maxLength: 2 }), ourHonestHeader, fc.array(forged, { maxLength: 3 }), (above, ours, below) => {
        fc.pre(above.every((h) => readAuthservId(h) !== AUTHSERV_ID));
        const v = verdict([...above, ours, ...below]);
        expect(v.kind).toBe('unverified');
      }),
      { numRuns: 10_000 },
    );
  });

  it('arbitrary headers: a verified sender always has a well-formed pass for the From domain in our topmost header', () => {
    // A second, deliberately simple reading of the same header: strip comments (quote-aware) and
    // split on ";" outside quotes; a verifying header must have a dmarc=pass header.from=<From
    // domain> or an aligned dkim=pass result there, and no dmarc or dkim result that disagrees.
    const resultsOutsideQuotes = (h: string): string[] => {
      let out = '';
      let depth = 0;
      let quoted = false;
      for (let i = 0; i < h.length; i++) {
        const c = h[i]!;
        if (c === '\\') {
          if (depth === 0) out += quoted ? '_' : c + (h[i + 1] ?? '');
          i++;
        } else if (quoted) {
          out += c === '"' ? c : c === ';' ? '_' : c;
          if (c === '"') quoted = false;
        } else if (depth === 0 && c === '"') {
          quoted = true;
          out += c;
        } else if (c === '(') depth++;
        else if (c === ')') depth--;
        else if (depth === 0) out += c;
      }
      return out.split(';').map((s) => s.replace(/\s+/g, ' ').trim().toLowerCase());
    };
    const wellFormedPass = (h: string): boolean => {
      const results = resultsOutsideQuotes(h);
      const dmarc = results.filter((r) => /^dmarc ?=/.test(r));
      const dkim = results.filter((r) => /^dkim ?(\/ ?1 ?)?=/.test(r));
      const dmarcPass = dmarc.length > 0 && dmarc.every((r) => /^dmarc ?= ?pass\b/.test(r) && / header ?\. ?from ?= ?"?riversidefm\.org"?( |$)/.test(r));
      const dkimPass = dmarc.every((r) => / header ?\. ?from ?= ?"?riversidefm\.org"?( |$)/.test(r) && /^dmarc ?= ?none\b/.test(r)) && dkim.length > 0 && dkim.every((r) => /^dkim ?(\/ ?1 ?)?= ?pass\b/.test(r)) && dkim.some((r) => / header ?\. ?[di] ?= ?"?@?([a-z0-9-]+\.)*riversidefm\.org"?( |$)/.test(r));
      return dmarcPass || dkimPass;
    };
    let verified = 0;
    const resinfo = fc.oneof(
      fc.constantFrom('dmarc=pass header.from=riversidefm.org', 'dkim=pass header.d=riversidefm.org', 'dmarc=fail header.from=riversidefm.org', 'dmarc=pass', 'dkim=fail header.d=riversidefm.org', 'dmarc=none header.from=riversidefm.org', 'spf=pass smtp.mailfrom=riversidefm.org'),
      soup,
    );
    fc.assert(
      fc.property(fc.array(resinfo, { minLength: 1, maxLength: 4 }), fc.constantFrom('; ', ';', ' ; ', '(c); '), (parts, sep) => {
        const header = `${AUTHSERV_ID}${sep}${parts.join(sep)}`;
        const v = verdict([header]);
        if (v.kind === 'verified') {
          verified++;
          expect(wellFormedPass(header)).toBe(true);
        }
      }),
      { numRuns: 20_000 },
    );
    // The property must not hold vacuously: some generated headers do verify.
    expect(verified).toBeGreaterThan(100);
  });
});
