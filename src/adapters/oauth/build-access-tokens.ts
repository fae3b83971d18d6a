import type { OAuthConfig } from '../../config.js';
import type { AccessTokens } from './access-tokens.js';
import { genericTokens } from './generic-tokens.js';
import { googleTokens } from './google-tokens.js';
import { microsoftTokens } from './microsoft-tokens.js';

/** The configured provider's tokens; one cache shared by the IMAP and SMTP logins. */
export function buildAccessTokens(config: OAuthConfig): AccessTokens {
  switch (config.provider) {
    case 'microsoft':
      return microsoftTokens(config);
    case 'google':
      return googleTokens(config);
    case 'generic':
      return genericTokens(config);
  }
}

const shared = new WeakMap<OAuthConfig, AccessTokens>();

/** One token cache per configuration, shared by the IMAP source and the SMTP transport of a process. */
export function accessTokensFor(config: OAuthConfig | null): AccessTokens | null {
  if (!config) return null;
  let t = shared.get(config);
  if (!t) shared.set(config, (t = buildAccessTokens(config)));
  return t;
}
