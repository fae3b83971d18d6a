import { type AccessTokens, cachedTokens, OAuthError } from './access-tokens.js';

/** An OAuth2 error answer (RFC 6749 §5.2), as far as it is one. */
export function describeTokenError(status: number, body: unknown): { code: string | null; text: string } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; error_description?: unknown };
  const code = typeof b.error === 'string' ? b.error : null;
  const description = typeof b.error_description === 'string' ? b.error_description.split(/\r?\n/)[0]! : null;
  return { code, text: [`HTTP ${status}`, code, description].filter(Boolean).join(': ') };
}

/**
 * Any provider with a token endpoint and client credentials (RFC 6749 §4.4): the client
 * authenticates with HTTP Basic (§2.3.1, which every server must support).
 */
export function genericTokens(opts: { tokenUrl: string; clientId: string; clientSecret: string; scope: string | null }, fetchImpl: typeof fetch = fetch): AccessTokens {
  const provider = new URL(opts.tokenUrl).origin;
  // §2.3.1: the id and secret are form-encoded before Basic encoding.
  const basic = Buffer.from(`${encodeURIComponent(opts.clientId)}:${encodeURIComponent(opts.clientSecret)}`).toString('base64');
  return cachedTokens(provider, async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (opts.scope) form.set('scope', opts.scope);
    let res: Response;
    try {
      res = await fetchImpl(opts.tokenUrl, { method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form, signal: AbortSignal.timeout(20_000) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new OAuthError(provider, `the token endpoint cannot be reached (${cause?.code ?? cause?.message ?? (e as Error).message})`);
    }
    const body = (await res.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
    if (!res.ok || !body || typeof body.access_token !== 'string') {
      const d = describeTokenError(res.status, body);
      throw new OAuthError(provider, d.text, d.code);
    }
    // RFC 6749 §5.1: expires_in is RECOMMENDED; without it, an hour is assumed and a refusal refreshes.
    const seconds = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in) || 3600;
    return { accessToken: body.access_token, expiresAt: Date.now() + seconds * 1000 };
  });
}
