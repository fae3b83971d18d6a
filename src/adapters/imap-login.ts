import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { ImapConfig } from '../config.js';
import type { AccessTokens } from './oauth/access-tokens.js';

/** The personal namespace the server announced (RFC 2342 NAMESPACE): `INBOX.` and `.` on Cyrus and Courier. */
export interface Namespace {
  prefix?: string;
  delimiter?: string | null | undefined;
}

/**
 * The server's full name for a configured mailbox or folder. Configured names use `/` between levels
 * (`Countersign/Processed`); the server's own delimiter and personal prefix are applied, so that
 * `Approvals` is `INBOX.Approvals` where personal folders live under INBOX. A name already carrying
 * the prefix is taken as the full name. INBOX is case-insensitive and never prefixed (RFC 3501 §5.1).
 */
export function mailboxPath(ns: Namespace | null | undefined, name: string): string {
  if (/^inbox$/i.test(name)) return 'INBOX';
  const delimiter = ns?.delimiter || '/';
  const prefix = ns?.prefix ?? '';
  let joined = name.split('/').join(delimiter);
  // "inbox.Approvals" names the same folder as "INBOX.Approvals".
  if (/^inbox$/i.test(joined.slice(0, 5)) && joined.charAt(5) === delimiter) joined = `INBOX${joined.slice(5)}`;
  if (!prefix || joined.startsWith(prefix) || joined.toUpperCase() === prefix.slice(0, -1).toUpperCase()) return joined;
  return prefix + joined;
}

/** The IMAP login was refused; the message gives the server's own words. */
export class ImapAuthError extends Error {
  readonly code = 'AuthenticationFailed';
  readonly authenticationFailed = true;
  constructor(message: string) {
    super(message);
    this.name = 'ImapAuthError';
  }
}

/** An imapflow error in words: its "Command failed" replaced by what the server answered. */
export function describeImapError(e: unknown): string {
  const err = e as { message?: string; responseText?: string; serverResponseCode?: string; code?: string };
  const base = err.message && err.message !== 'Command failed' ? err.message : 'the server refused';
  const text = err.responseText ? `${err.serverResponseCode ? `[${err.serverResponseCode}] ` : ''}${err.responseText}` : '';
  return text && !base.includes(text) ? `${base}: ${text}` : base;
}

/** What to check when the server refused a token the provider issued. */
function tokenRefusedHint(provider: string): string {
  if (provider === 'Microsoft 365') return 'the app registration needs IMAP.AccessAsApp with admin consent, an Exchange service principal (New-ServicePrincipal) and FullAccess on this mailbox (Add-MailboxPermission)';
  if (provider === 'Google Workspace') return "the service account's domain-wide delegation must include https://mail.google.com/, and IMAP must be on for the user";
  return 'the token must be one the mail server accepts for this mailbox';
}

/**
 * Connects and logs in, with the password or an OAuth2 access token (SASL OAUTHBEARER or XOAUTH2,
 * whichever the server offers). A refused token is refreshed once and tried again (it may have been
 * revoked before its expiry); a second refusal is an error in words, like a refused password.
 */
export async function connectImap(imap: ImapConfig, oauth: AccessTokens | null, options: Partial<ImapFlowOptions>, onError: (err: Error) => void = () => undefined): Promise<ImapFlow> {
  // A password in the configuration wins: OAuth2 may be configured for the SMTP login only.
  const tokens = imap.pass ? null : oauth;
  for (let attempt = 1; ; attempt++) {
    const auth = tokens ? { user: imap.user, accessToken: await tokens.token(imap.user, { refresh: attempt > 1 }) } : { user: imap.user, pass: imap.pass };
    const client = new ImapFlow({ host: imap.host, port: imap.port, secure: imap.secure, auth, logger: false, ...options });
    // Without a listener an 'error' event would end the process; callers reconnect instead.
    client.on('error', onError);
    try {
      await client.connect();
      return client;
    } catch (e) {
      client.close();
      const err = e as { authenticationFailed?: boolean; responseText?: string; oauthError?: { status?: string } };
      if (!err.authenticationFailed) throw e;
      if (tokens && attempt === 1) continue;
      const server = describeImapError(e).replace(/^the server refused: /, '');
      throw new ImapAuthError(
        tokens
          ? `authentication failed for ${imap.user} at ${imap.host}: the server refused the OAuth2 token from ${tokens.provider} (${server}${err.oauthError?.status ? `; ${err.oauthError.status}` : ''}); ${tokenRefusedHint(tokens.provider)}`
          : `authentication failed for ${imap.user} at ${imap.host}: ${server}`,
      );
    }
  }
}
