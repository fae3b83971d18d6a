import { describe, expect, it } from 'vitest';
import { mailboxPath } from '../../src/adapters/imap-login.js';
import { cachedTokens } from '../../src/adapters/oauth/access-tokens.js';
import { explainMicrosoftError } from '../../src/adapters/oauth/microsoft-tokens.js';

describe('the token cache', () => {
  it('keeps a token until a fifth of its life (at most 5 minutes) before expiry, then fetches a new one', async () => {
    let clock = 0;
    let n = 0;
    const tokens = cachedTokens('test', async () => ({ accessToken: `t${++n}`, expiresAt: clock + 3600_000 }), () => clock);
    expect(await tokens.token('a@x')).toBe('t1');
    clock = 3600_000 - 300_001;
    expect(await tokens.token('a@x')).toBe('t1');
    clock = 3600_000 - 300_000;
    expect(await tokens.token('a@x')).toBe('t2');
  });

  it('refreshes a short-lived token at four fifths of its life', async () => {
    let clock = 0;
    let n = 0;
    const tokens = cachedTokens('test', async () => ({ accessToken: `t${++n}`, expiresAt: clock + 10_000 }), () => clock);
    await tokens.token('a@x');
    clock = 7_999;
    expect(await tokens.token('a@x')).toBe('t1');
    clock = 8_000;
    expect(await tokens.token('a@x')).toBe('t2');
  });

  it('fetches anew when asked to refresh, per user, and shares one fetch between concurrent callers', async () => {
    let n = 0;
    const tokens = cachedTokens('test', async (user) => ({ accessToken: `${user}-${++n}`, expiresAt: Date.now() + 3600_000 }));
    const [a, b] = await Promise.all([tokens.token('a'), tokens.token('a')]);
    expect([a, b]).toEqual(['a-1', 'a-1']);
    expect(await tokens.token('b')).toBe('b-2');
    expect(await tokens.token('a', { refresh: true })).toBe('a-3');
    expect(await tokens.token('a')).toBe('a-3');
  });

  it('keeps no failed fetch: the next call tries again', async () => {
    let fail = true;
    const tokens = cachedTokens('test', async () => {
      if (fail) throw new Error('down');
      return { accessToken: 'ok', expiresAt: Date.now() + 3600_000 };
    });
    await expect(tokens.token('a')).rejects.toThrow('down');
    fail = false;
    expect(await tokens.token('a')).toBe('ok');
  });
});

describe('mailbox names through the personal namespace (RFC 2342)', () => {
  const cyrus = { prefix: 'INBOX.', delimiter: '.' };
  const dovecot = { prefix: '', delimiter: '/' };
  it.each([
    [cyrus, 'Approvals', 'INBOX.Approvals'],
    [cyrus, 'Countersign/Processed', 'INBOX.Countersign.Processed'],
    [cyrus, 'INBOX.Approvals', 'INBOX.Approvals'],
    [cyrus, 'inbox.Approvals', 'INBOX.Approvals'],
    [cyrus, 'INBOX', 'INBOX'],
    [cyrus, 'inbox', 'INBOX'],
    [dovecot, 'Countersign/Processed', 'Countersign/Processed'],
    [{ prefix: '', delimiter: '.' }, 'Countersign/Processed', 'Countersign.Processed'],
    [null, 'Approvals', 'Approvals'],
  ])('%o: %s is %s', (ns, name, full) => {
    expect(mailboxPath(ns, name)).toBe(full);
  });
});

describe("Microsoft's refusals in words", () => {
  it('names the AADSTS code and what to fix, without the trace and correlation ids', () => {
    const e = { errorCode: 'invalid_client', errorMessage: 'AADSTS7000215: Invalid client secret provided. Trace ID: 1 Correlation ID: 2 Timestamp: 3' };
    expect(explainMicrosoftError(e)).toEqual({ code: 'AADSTS7000215', text: "the client secret is wrong: use the secret's value (not its ID) in COUNTERSIGN_OAUTH_CLIENT_SECRET (AADSTS7000215)" });
    expect(explainMicrosoftError({ errorCode: 'invalid_grant', errorMessage: 'AADSTS65001: The user or administrator has not consented.' }).text).toMatch(/^consent is missing/);
    expect(explainMicrosoftError({ errorCode: 'some_error', errorMessage: 'Something new happened. Trace ID: abc' })).toEqual({ code: 'some_error', text: 'some_error: Something new happened.' });
  });
});
