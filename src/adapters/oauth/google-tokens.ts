import { readFileSync } from 'node:fs';
import { type AccessTokens, cachedTokens, OAuthError } from './access-tokens.js';
import { describeTokenError } from './generic-tokens.js';

const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** Google's token endpoint answers, said as what to fix. */
function explainGoogleError(code: string | null, text: string): string {
  if (code === 'unauthorized_client') return `domain-wide delegation is missing: in the Admin console (Security > API controls > Domain-wide delegation) add the service account's client ID with the scope https://mail.google.com/ (${text})`;
  if (code === 'invalid_grant' && /invalid email|user/i.test(text)) return `the mailbox user does not exist in the Workspace domain (${text})`;
  if (code === 'invalid_grant' && /signature/i.test(text)) return `the service account key is not valid (deleted or rotated): create a new JSON key (${text})`;
  return text;
}

/**
 * Google Workspace: a service account with domain-wide delegation (google-auth-library), acting as
 * each mailbox user in turn (the JWT's `sub`). The key file's `token_uri` is honoured, as Google's own
 * tools do.
 */
export function googleTokens(opts: { serviceAccountFile: string; scope: string }): AccessTokens {
  const provider = 'Google Workspace';
  let key: { client_email?: string; private_key?: string; private_key_id?: string; token_uri?: string };
  try {
    key = JSON.parse(readFileSync(opts.serviceAccountFile, 'utf8')) as typeof key;
  } catch (e) {
    throw new OAuthError(provider, `cannot read the service account key ${opts.serviceAccountFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!key.client_email || !key.private_key) throw new OAuthError(provider, `${opts.serviceAccountFile} is not a service account JSON key (no client_email or private_key)`);
  const tokenUri = key.token_uri && key.token_uri !== GOOGLE_TOKEN_URL ? key.token_uri : null;
  return cachedTokens(provider, async (user) => {
    const { JWT } = await import('google-auth-library');
    const jwt = new JWT({ email: key.client_email, key: key.private_key, keyId: key.private_key_id, scopes: [opts.scope], subject: user });
    if (tokenUri) {
      jwt.transporter.interceptors.request.add({
        resolved: async (config) => {
          if (String(config.url) === GOOGLE_TOKEN_URL) config.url = new URL(tokenUri);
          return config;
        },
      });
    }
    try {
      const c = await jwt.authorize();
      if (!c.access_token) throw new OAuthError(provider, 'no access token in the answer');
      return { accessToken: c.access_token, expiresAt: c.expiry_date ?? Date.now() + 3600_000 };
    } catch (e) {
      if (e instanceof OAuthError) throw e;
      const res = (e as { response?: { status?: number; data?: unknown } }).response;
      if (res?.status) {
        const d = describeTokenError(res.status, res.data);
        throw new OAuthError(provider, explainGoogleError(d.code, d.text), d.code);
      }
      throw new OAuthError(provider, `the token endpoint cannot be reached (${(e as { code?: string }).code ?? (e as Error).message})`);
    }
  });
}
