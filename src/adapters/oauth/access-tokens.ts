/**
 * OAuth2 access tokens for the IMAP and SMTP logins (SASL XOAUTH2 / OAUTHBEARER, RFC 7628).
 * A token is a bearer secret: it is never logged, never put in an error message, and lives only in
 * this cache and on the wire.
 */
export interface AccessTokens {
  /** Who issues the tokens, for messages: "Microsoft 365", "Google Workspace", "https://…/token". */
  readonly provider: string;
  /**
   * A valid token for `user`: the cached one until shortly before it expires. `refresh` forces a new
   * one, after a server refused the cached token (it may have been revoked early).
   */
  token(user: string, opts?: { refresh?: boolean }): Promise<string>;
}

/** What a provider hands back: the token and when it expires (epoch ms). */
export interface Issued {
  accessToken: string;
  expiresAt: number;
}

/** The provider refused to issue a token; `message` says why in words, without any secret. */
export class OAuthError extends Error {
  readonly code = 'OAuthFailed';
  constructor(
    readonly provider: string,
    detail: string,
    /** The provider's own error code (`invalid_client`, `AADSTS7000215` …), when it gave one. */
    readonly providerCode: string | null = null,
  ) {
    super(`${provider} refused a token: ${detail}`);
    this.name = 'OAuthError';
  }
}

/** Refreshed this long before expiry at most (a fifth of a short token's life), so no login uses a dying token. */
const REFRESH_BEFORE_MS = 5 * 60_000;

/**
 * Caches tokens per user and fetches a new one before the cached one expires. Concurrent requests
 * for the same user share one fetch.
 */
export function cachedTokens(provider: string, fetchToken: (user: string) => Promise<Issued>, now: () => number = Date.now): AccessTokens {
  const cache = new Map<string, Issued & { refreshAt: number }>();
  const inFlight = new Map<string, Promise<string>>();
  return {
    provider,
    token(user, opts = {}) {
      const hit = cache.get(user);
      if (hit && !opts.refresh && now() < hit.refreshAt) return Promise.resolve(hit.accessToken);
      const running = inFlight.get(user);
      if (running) return running;
      const p = (async () => {
        try {
          const started = now();
          const t = await fetchToken(user);
          const life = Math.max(0, t.expiresAt - started);
          cache.set(user, { ...t, refreshAt: t.expiresAt - Math.min(REFRESH_BEFORE_MS, life / 5) });
          return t.accessToken;
        } finally {
          inFlight.delete(user);
        }
      })();
      inFlight.set(user, p);
      return p;
    },
  };
}
