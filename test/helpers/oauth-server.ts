import { constants, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';
import { freePort } from './free-port.js';

/** An application registered at the provider: its secret or certificate (PEM), and the one mailbox it was granted. */
export interface OAuthApp {
  secret?: string;
  certificate?: string;
  mailbox: string;
}

export interface Issued {
  grant: string;
  clientId: string | null;
  /** The mailbox the token names (its `email` claim). */
  mailbox: string | null;
  scope: string | null;
  at: number;
  /** The token itself, to prove it never appears in a log. */
  token: string;
}

export interface OAuthServer {
  /** http(s)://127.0.0.1:PORT, the issuer of every token. */
  url: string;
  /** The generic token endpoint (client credentials, and Google's JWT bearer grant). */
  tokenUrl: string;
  /** Dovecot's local validation key dictionary (fs:posix): the public key as `default/RS256/<kid>`. */
  keysDir: string;
  /** With https: the self-signed certificate to trust (NODE_EXTRA_CA_CERTS). */
  caFile: string | null;
  /** The registered applications (more may be added while it runs). */
  apps: Record<string, OAuthApp>;
  /** Lifetime of the next tokens, in seconds. */
  ttlSeconds: number;
  issued: Issued[];
  /**
   * Writes a Google service-account key file whose token_uri is this server. `delegated` false: the
   * Workspace administrator has not granted it domain-wide delegation.
   */
  serviceAccountFile(dir: string, opts?: { email?: string; delegated?: boolean }): string;
  /** Checks a bearer token as a resource server does: our signature, not expired. Returns the mailbox it grants. */
  verify(token: string): { mailbox: string; exp: number } | null;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (s += d));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** The client's id and secret, from HTTP Basic (RFC 6749 §2.3.1) or the form body. */
function clientCredentials(req: IncomingMessage, form: URLSearchParams): { id: string | null; secret: string | null } {
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const [id, ...rest] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    return { id: decodeURIComponent(id ?? ''), secret: decodeURIComponent(rest.join(':')) };
  }
  return { id: form.get('client_id'), secret: form.get('client_secret') };
}

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * A real OAuth2 authorization server on loopback: oauth2-mock-server signs the tokens (RS256 JWTs),
 * and this front checks what a provider checks before issuing one — the client secret (or the
 * client's signed assertion), and for Google's JWT bearer grant (RFC 7523) the service account's
 * signature — and answers errors as Microsoft Entra ID does (`invalid_client`, `AADSTS…` text).
 * Paths: `/token` (generic and Google), `/{tenant}/oauth2/v2.0/token` (Microsoft).
 */
export async function startOAuthServer(opts: { apps: Record<string, OAuthApp>; tenant?: string; https?: boolean; ttlSeconds?: number }): Promise<OAuthServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cs-oauth-'));
  const port = await freePort();
  const scheme = opts.https ? 'https' : 'http';
  // Microsoft's libraries insist on a host name for the authority; the certificate names it too.
  const host = opts.https ? 'localhost' : '127.0.0.1';
  const url = `${scheme}://${host}:${port}`;
  const issuer = new OAuth2Issuer();
  issuer.url = url;
  const jwk = await issuer.keys.generate('RS256');
  const keysDir = path.join(dir, 'keys');
  mkdirSync(path.join(keysDir, 'default', 'RS256'), { recursive: true });
  const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
  writeFileSync(path.join(keysDir, 'default', 'RS256', jwk.kid), pem);
  execFileSync('chmod', ['-R', 'a+rX', dir]);
  const service = new OAuth2Service(issuer);
  const serviceAccounts = new Map<string, { key: string; delegated: boolean }>(); // client email -> public key PEM
  const server: OAuthServer = {
    url,
    tokenUrl: `${url}/token`,
    keysDir,
    caFile: null,
    apps: opts.apps,
    ttlSeconds: opts.ttlSeconds ?? 3600,
    issued: [],
    serviceAccountFile(into, { email = 'countersign@project.iam.gserviceaccount.com', delegated = true } = {}) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      serviceAccounts.set(email, { key: publicKey.export({ type: 'spki', format: 'pem' }) as string, delegated });
      const file = path.join(into, 'service-account.json');
      writeFileSync(
        file,
        JSON.stringify({ type: 'service_account', project_id: 'project', private_key_id: 'k1', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }), client_email: email, client_id: '1234', token_uri: `${url}/token` }),
        { mode: 0o600 },
      );
      return file;
    },
    verify(token) {
      const [h, p, sig] = token.split('.');
      if (!h || !p || !sig || !verify('RSA-SHA256', Buffer.from(`${h}.${p}`), pem, Buffer.from(sig, 'base64url'))) return null;
      const claims = decodePart(p) as { email?: string; exp?: number };
      if (!claims.email || !claims.exp || claims.exp * 1000 <= Date.now()) return null;
      return { mailbox: claims.email, exp: claims.exp };
    },
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };

  const mint = async (grant: string, clientId: string | null, mailbox: string | null, scope: string | null): Promise<Record<string, unknown>> => {
    const ttl = server.ttlSeconds;
    const token = await issuer.buildToken({
      expiresIn: ttl,
      scopesOrTransform: (_h, payload) => {
        if (mailbox) payload['email'] = mailbox;
        if (scope) payload['scope'] = scope;
        // The application's identity, as Entra ID puts its service principal in `sub`.
        payload['sub'] = clientId ?? 'unknown';
      },
    });
    server.issued.push({ grant, clientId, mailbox, scope, at: Date.now(), token });
    return { access_token: token, token_type: 'Bearer', expires_in: ttl, ext_expires_in: ttl };
  };

  const tokenEndpoint = async (req: IncomingMessage, res: ServerResponse, tenant: string | null) => {
    const form = new URLSearchParams(await readBody(req));
    const grant = form.get('grant_type') ?? '';
    const scope = form.get('scope');
    if (tenant !== null && tenant !== opts.tenant) {
      return json(res, 400, { error: 'invalid_request', error_description: `AADSTS90002: Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`, error_codes: [90002] });
    }
    if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const assertion = form.get('assertion') ?? '';
      const [h, p, s] = assertion.split('.');
      const claims = p ? decodePart(p) : {};
      const account = serviceAccounts.get(String(claims['iss']));
      const good = account && h && s && verify('RSA-SHA256', Buffer.from(`${h}.${p}`), account.key, Buffer.from(s, 'base64url'));
      if (!good) return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
      if (!claims['sub'] || !account.delegated) return json(res, 400, { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.' });
      return json(res, 200, await mint(grant, String(claims['iss']), String(claims['sub']), String(claims['scope'] ?? '')));
    }
    if (grant !== 'client_credentials') return json(res, 400, { error: 'unsupported_grant_type' });
    const assertion = form.get('client_assertion');
    const { id: claimed, secret } = clientCredentials(req, form);
    const id = claimed ?? (assertion ? String(decodePart(assertion.split('.')[1] ?? '')['iss']) : null);
    const app = id ? server.apps[id] : undefined;
    if (!app) return json(res, 400, { error: 'unauthorized_client', error_description: `AADSTS700016: Application with identifier '${id}' was not found in the directory.`, error_codes: [700016] });
    if (assertion) {
      // A certificate credential (RFC 7523 §2.2): a JWT signed with the key of the registered certificate.
      const [h, p, sig] = assertion.split('.');
      // msal signs with PS256 (RSA-PSS) when it has the SHA-256 thumbprint, RS256 otherwise.
      const alg = h ? String(decodePart(h)['alg']) : '';
      const key = app.certificate ? createPublicKey(app.certificate) : null;
      const good = key && p && sig && verify('sha256', Buffer.from(`${h}.${p}`), alg === 'PS256' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : key, Buffer.from(sig, 'base64url'));
      if (!good) return json(res, 401, { error: 'invalid_client', error_description: 'AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.', error_codes: [700027] });
      return json(res, 200, await mint(grant, id, app.mailbox, scope));
    }
    if (!app.secret || secret !== app.secret) return json(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.', error_codes: [7000215] });
    return json(res, 200, await mint(grant, id, app.mailbox, scope));
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const p = new URL(req.url ?? '/', url).pathname;
    // Entra ID's per-tenant OpenID configuration, which msal reads before asking for a token.
    const meta = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(p);
    if (req.method === 'GET' && meta) {
      const tenant = meta[1]!;
      if (tenant !== opts.tenant) return json(res, 400, { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${tenant}' not found.`, error_codes: [90002] });
      return json(res, 200, {
        issuer: `${url}/${tenant}/v2.0`,
        token_endpoint: `${url}/${tenant}/oauth2/v2.0/token`,
        authorization_endpoint: `${url}/${tenant}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${url}/${tenant}/oauth2/v2.0/logout`,
        jwks_uri: `${url}/jwks`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    const ms = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(p);
    if (req.method === 'POST' && (p === '/token' || ms)) {
      tokenEndpoint(req, res, ms ? ms[1]! : null).catch((e: Error) => json(res, 500, { error: 'server_error', error_description: e.message }));
      return;
    }
    service.requestHandler(req, res);
  };
  let http: Server;
  if (opts.https) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    server.caFile = path.join(dir, 'cert.pem');
    http = createHttpsServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(server.caFile) }, handler);
  } else {
    http = createHttpServer(handler);
  }
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const close = server.close;
  server.close = async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  };
  return server;
}


export interface OAuthSmtpPeer {
  url: (user: string) => string;
  received: { from: string; to: string[]; user: string }[];
  /** Every AUTH XOAUTH2 attempt: the user and whether the token was good (signed by us, unexpired, for that mailbox). */
  logins: { user: string; accepted: boolean; at: number; token: string }[];
  close: () => Promise<void>;
}

/**
 * A real SMTP submission server (smtp-server) that accepts only SASL XOAUTH2, checking each bearer
 * token as Exchange Online does: signed by the issuer, not expired, and granting the mailbox named.
 * `refuseFirst`: refuse the first good token too, as a server does with a token revoked early.
 * `idleTimeoutMs`: close a connection idle this long, as submission servers do (the client must log in again).
 */
export async function startOAuthSmtpPeer(oauth: OAuthServer, opts: { refuseFirst?: boolean; idleTimeoutMs?: number } = {}): Promise<OAuthSmtpPeer> {
  const { SMTPServer } = await import('smtp-server');
  const peer: OAuthSmtpPeer = { url: (user) => `smtp://${encodeURIComponent(user)}@127.0.0.1:${port}`, received: [], logins: [], close: () => new Promise((r) => server.close(() => r())) };
  let refused = false;
  const server = new SMTPServer({
    authMethods: ['XOAUTH2'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    ...(opts.idleTimeoutMs ? { socketTimeout: opts.idleTimeoutMs } : {}),
    onAuth(auth, _session, cb) {
      const grant = auth.method === 'XOAUTH2' && auth.accessToken ? oauth.verify(auth.accessToken) : null;
      let accepted = grant !== null && grant.mailbox === auth.username;
      if (accepted && opts.refuseFirst && !refused) {
        refused = true;
        accepted = false;
      }
      peer.logins.push({ user: auth.username ?? '', accepted, at: Date.now(), token: auth.accessToken ?? '' });
      // RFC 7628 §3.2.2: a refused bearer token is answered with a JSON status, then 535.
      if (!accepted) return cb(null, { data: { status: '401', schemes: 'bearer', scope: 'https://outlook.office365.com/.default' } });
      cb(null, { user: auth.username });
    },
    onData(stream, session, cb) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        peer.received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), user: String(session.user) });
        cb();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return peer;
}
