import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type AccessTokens, cachedTokens, OAuthError } from './access-tokens.js';

export interface MicrosoftOptions {
  tenant: string;
  clientId: string;
  clientSecret: string | null;
  /** A PEM file holding the private key and its certificate (the one uploaded to the app registration). */
  certificateFile: string | null;
  /** https://login.microsoftonline.com, or a national cloud's. */
  authority: string;
  scope: string;
}

/** Microsoft Entra ID's error codes (AADSTS…), said as what to fix. */
const AADSTS: Record<string, string> = {
  '90002': 'the tenant was not found: check COUNTERSIGN_OAUTH_TENANT (the directory ID or a verified domain) and the cloud (COUNTERSIGN_OAUTH_AUTHORITY)',
  '900023': 'the tenant is not a valid directory ID or domain: check COUNTERSIGN_OAUTH_TENANT',
  '90072': 'the app is not known in this tenant: check COUNTERSIGN_OAUTH_TENANT',
  '700016': 'no application with this client ID in the tenant: check COUNTERSIGN_OAUTH_CLIENT_ID and COUNTERSIGN_OAUTH_TENANT, and that an administrator consented to the app',
  '7000215': 'the client secret is wrong: use the secret\'s value (not its ID) in COUNTERSIGN_OAUTH_CLIENT_SECRET',
  '7000222': 'the client secret has expired: create a new one in the app registration (Certificates & secrets)',
  '700027': 'the certificate is not registered with the app: upload it under Certificates & secrets',
  '65001': 'consent is missing: an administrator must grant admin consent for IMAP.AccessAsApp and SMTP.SendAsApp (API permissions)',
  '500011': 'Office 365 Exchange Online is not set up for the tenant or consent is missing: grant admin consent for the Exchange permissions',
  '700030': 'the token request is invalid for this app: check the scope (COUNTERSIGN_OAUTH_SCOPE)',
  '1002012': 'the scope is invalid: it must be https://outlook.office365.com/.default',
  '70011': 'the scope is invalid: it must be https://outlook.office365.com/.default',
};

/** An msal error in words: the AADSTS code's meaning when known, else Entra's first line. */
export function explainMicrosoftError(e: unknown): { code: string | null; text: string } {
  const err = e as { errorCode?: string; errorMessage?: string; message?: string };
  const message = err.errorMessage || err.message || String(e);
  const aadsts = /AADSTS(\d+)/.exec(message)?.[1];
  if (aadsts && AADSTS[aadsts]) return { code: `AADSTS${aadsts}`, text: `${AADSTS[aadsts]} (AADSTS${aadsts})` };
  if (err.errorCode === 'endpoints_resolution_error') return { code: err.errorCode, text: "the tenant's sign-in endpoints cannot be found: check COUNTERSIGN_OAUTH_TENANT, and that the authority is reachable" };
  const first = message.split(/\r?\n/)[0]!.replace(/Trace ID:.*$/, '').trim();
  return { code: err.errorCode ?? null, text: err.errorCode && !first.includes(err.errorCode) ? `${err.errorCode}: ${first}` : first };
}

function certificateCredential(file: string): { thumbprintSha256: string; privateKey: string; x5c: string } {
  const pem = readFileSync(file, 'utf8');
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  const key = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.exec(pem)?.[0];
  if (!cert || !key) throw new OAuthError('Microsoft 365', `${file} must hold the private key and the certificate, both PEM`);
  const x509 = new X509Certificate(cert);
  return {
    thumbprintSha256: x509.fingerprint256.replace(/:/g, ''),
    // msal signs with a PKCS#8 key; an "RSA PRIVATE KEY" (PKCS#1) file is converted.
    privateKey: createPrivateKey(key).export({ type: 'pkcs8', format: 'pem' }) as string,
    x5c: x509.raw.toString('base64'),
  };
}

/**
 * Microsoft 365 (Exchange Online): an app registration's client credentials through msal-node.
 * The token is the application's own (IMAP.AccessAsApp / SMTP.SendAsApp), the same for every mailbox
 * the app was granted; which mailbox is said in the SASL exchange.
 */
export function microsoftTokens(opts: MicrosoftOptions): AccessTokens {
  const provider = 'Microsoft 365';
  let app: Promise<import('@azure/msal-node').ConfidentialClientApplication> | null = null;
  const client = () =>
    (app ??= (async () => {
      const { ConfidentialClientApplication, LogLevel } = await import('@azure/msal-node');
      const host = new URL(opts.authority).host;
      return new ConfidentialClientApplication({
        auth: {
          clientId: opts.clientId,
          authority: `${opts.authority}/${opts.tenant}`,
          ...(opts.clientSecret ? { clientSecret: opts.clientSecret } : { clientCertificate: certificateCredential(opts.certificateFile!) }),
          // A national cloud or a private authority is trusted as named, without Microsoft's instance discovery.
          ...(host === 'login.microsoftonline.com' ? {} : { knownAuthorities: [host] }),
        },
        // msal logs nothing here: its messages may carry tokens or personal data.
        system: { loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => undefined } },
      });
    })());
  return cachedTokens(provider, async () => {
    let r;
    try {
      r = await (await client()).acquireTokenByClientCredential({ scopes: [opts.scope], skipCache: true });
    } catch (e) {
      if (e instanceof OAuthError) throw e;
      const d = explainMicrosoftError(e);
      throw new OAuthError(provider, d.text, d.code);
    }
    if (!r?.accessToken) throw new OAuthError(provider, 'no access token in the answer');
    return { accessToken: r.accessToken, expiresAt: r.expiresOn ? r.expiresOn.getTime() : Date.now() + 3600_000 };
  });
}
