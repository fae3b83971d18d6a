import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, waitFor } from '../helpers/daemon.js';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { appendAll, folderContents, imapClient } from '../helpers/imap-client.js';
import { BETA_CONSENT, makeMail, PRODUCTION_APPROVAL } from '../helpers/mail.js';
import { startOAuthServer, startOAuthSmtpPeer, type OAuthServer, type OAuthSmtpPeer } from '../helpers/oauth-server.js';
import { makeKey } from '../helpers/pgp-keys.js';
import { makeProject, type Project } from '../helpers/project.js';
import { runCountersign } from '../helpers/run-cli.js';

const TENANT = '7d3c2a51-0f4e-4b7e-9d2a-5c1f00000001';
const APP = '3f9b6c1e-2a7d-4e55-8b10-countersign';
const SECRET = 'Qx8~app-secret-value.NEVER-LOGGED';

let oauth: OAuthServer;
let dovecot: Dovecot;
let smtp: OAuthSmtpPeer;
let user: string;

beforeAll(async () => {
  oauth = await startOAuthServer({
    https: true,
    tenant: TENANT,
    apps: {
      [APP]: { secret: SECRET, mailbox: 'apipartners@partners.example' },
      // Registered and consented, but granted another mailbox only.
      'ungranted-app': { secret: 'other-secret', mailbox: 'someone-else@partners.example' },
    },
  });
  dovecot = await startDovecot({ oauth2: { keysDir: oauth.keysDir } });
  user = dovecot.user;
});
afterAll(async () => {
  dovecot?.destroy();
  await oauth?.close();
});

let seq = 0;
/** A deployment with its own mailbox and folders, a signing key, and OAuth2 for IMAP and SMTP. */
async function deployment(oauthEnv: Record<string, string>, smtpPeer: OAuthSmtpPeer | null = smtp): Promise<{ p: Project; env: Record<string, string>; mailbox: string }> {
  const n = ++seq;
  const mailbox = `OAuth${n}`;
  const c = await imapClient(dovecot);
  await c.mailboxCreate(mailbox);
  await c.logout();
  const p = await makeProject();
  const signer = await makeKey('apipartners@partners.example');
  writeFileSync(path.join(p.dir, 'signing.asc'), signer.privateKey);
  const env = {
    ...p.env,
    // The provider's certificate is self-signed: trusted as a corporate CA would be.
    NODE_EXTRA_CA_CERTS: oauth.caFile!,
    COUNTERSIGN_SIGNING_KEY: path.join(p.dir, 'signing.asc'),
    // A user and no password: the login is OAuth2.
    COUNTERSIGN_IMAP_URL: `imap://${encodeURIComponent(user)}@127.0.0.1:${dovecot.port}/${mailbox}`,
    COUNTERSIGN_FOLDER_PROCESSED: `T${n}/Processed`,
    COUNTERSIGN_FOLDER_FLAGGED: `T${n}/Flagged`,
    COUNTERSIGN_FOLDER_IGNORED: `T${n}/Ignored`,
    ...(smtpPeer ? { COUNTERSIGN_SMTP_URL: smtpPeer.url(user) } : {}),
    ...oauthEnv,
  };
  return { p, env, mailbox };
}

function genericEnv(p: Project): Record<string, string> {
  const secretFile = path.join(p.dir, 'client-secret');
  writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
  return { COUNTERSIGN_OAUTH_PROVIDER: 'generic', COUNTERSIGN_OAUTH_TOKEN_URL: oauth.tokenUrl, COUNTERSIGN_OAUTH_CLIENT_ID: APP, COUNTERSIGN_OAUTH_CLIENT_SECRET_FILE: secretFile };
}

const microsoftEnv = (over: Record<string, string> = {}) => ({
  COUNTERSIGN_OAUTH_PROVIDER: 'microsoft',
  COUNTERSIGN_OAUTH_AUTHORITY: oauth.url,
  COUNTERSIGN_OAUTH_TENANT: TENANT,
  COUNTERSIGN_OAUTH_CLIENT_ID: APP,
  COUNTERSIGN_OAUTH_CLIENT_SECRET: SECRET,
  ...over,
});

async function doctor(env: Record<string, string>) {
  const r = await runCountersign(['doctor', '--json'], env);
  const report = JSON.parse(r.stdout) as { checks: { check: string; verdict: string; detail: string; fix?: string }[] };
  return { code: r.code, stderr: r.stderr, check: (name: string) => report.checks.find((c) => c.check === name), failed: report.checks.filter((c) => c.verdict === 'fail').map((c) => c.check) };
}

const noSecrets = (text: string) => {
  expect(text).not.toContain(SECRET);
  for (const t of oauth.issued) expect(text).not.toContain(t.token);
};

describe('OAuth2 against a real authorization server, Dovecot validating its tokens, and an XOAUTH2 SMTP server', () => {
  it('a token that expires while the daemon runs is replaced: IMAP logs in again and SMTP sends with a fresh one, no message lost', { timeout: 90_000 }, async () => {
    // Refuses the first good token, as a server does with one revoked early: refreshed once, then sent.
    // It also drops idle connections after 2 s, so the second batch needs a new SMTP login.
    const peer = await startOAuthSmtpPeer(oauth, { refuseFirst: true, idleTimeoutMs: 2_000 });
    oauth.ttlSeconds = 4;
    const { p, env, mailbox } = await deployment({}, peer);
    Object.assign(env, genericEnv(p), { COUNTERSIGN_POLL_SECONDS: '60', COUNTERSIGN_LOG_LEVEL: 'debug' });
    const d = startDaemon(env);
    let firstBatch = 0;
    try {
      await waitFor('the daemon to open the mailbox over OAuth2', () => d.output().includes('waiting for mail'));
      await appendAll(dovecot, [makeMail({ from: 'pm@lakesidepeds.org', subject: 'Beta consent: Acme Scheduler', body: BETA_CONSENT, messageId: '<oauth-beta@lakesidepeds.org>' })], mailbox);
      await waitFor('the two mails of the beta consent', () => peer.received.length === 2);
      firstBatch = oauth.issued.length;
      // Every token issued so far is now expired: Dovecot and the SMTP server refuse them.
      await new Promise((r) => setTimeout(r, 4_500));
      dovecot.doveadm('kick', user);
      await waitFor('the daemon to log in again', () => d.output().includes('mailbox reconnected'), 30_000);
      await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<oauth-prod@riversidefm.org>' })], mailbox);
      await waitFor('the two mails of the production approval', () => peer.received.length === 4, 30_000);
      expect(oauth.issued.length).toBeGreaterThan(firstBatch);
    } finally {
      expect(await d.stop()).toBe(0);
      await peer.close();
      oauth.ttlSeconds = 3600;
    }
    expect(p.query('SELECT message_id, outcome FROM messages ORDER BY id')).toEqual([
      { message_id: '<oauth-beta@lakesidepeds.org>', outcome: 'applied' },
      { message_id: '<oauth-prod@riversidefm.org>', outcome: 'applied' },
    ]);
    expect(p.query("SELECT kind, status, attempts FROM outbox WHERE kind != 'staff_flag' ORDER BY id")).toEqual([
      { kind: 'partner_test_identifiers', status: 'sent', attempts: 1 },
      { kind: 'client_ack', status: 'sent', attempts: 1 },
      { kind: 'partner_production_identifiers', status: 'sent', attempts: 1 },
      { kind: 'client_ack', status: 'sent', attempts: 1 },
    ]);
    expect(peer.received.every((m) => m.user === user)).toBe(true);
    // One refusal (the revoked token), refreshed and accepted at once; every other login good.
    expect(peer.logins.filter((l) => !l.accepted)).toHaveLength(1);
    expect(peer.logins[0]!.accepted).toBe(false);
    expect(peer.logins[1]!.accepted).toBe(true);
    expect(oauth.issued.every((t) => t.grant === 'client_credentials' && t.clientId === APP)).toBe(true);
    // The second batch's SMTP login used a token issued after the first ones had expired.
    const issuedIndex = (token: string) => oauth.issued.findIndex((t) => t.token === token);
    const accepted = peer.logins.filter((l) => l.accepted);
    expect(accepted.length).toBeGreaterThanOrEqual(2);
    expect(issuedIndex(accepted[0]!.token)).toBeLessThan(firstBatch);
    expect(issuedIndex(accepted.at(-1)!.token)).toBeGreaterThanOrEqual(firstBatch);
    const folders = await folderContents(dovecot, [mailbox]);
    expect(folders[mailbox]).toEqual([]);
    noSecrets(d.output());
  });

  it('Microsoft 365 (msal-node, client secret): run --once reads the mailbox and sends over XOAUTH2; doctor passes', async () => {
    smtp = await startOAuthSmtpPeer(oauth);
    try {
      const { p, env, mailbox } = await deployment(microsoftEnv());
      await appendAll(dovecot, [makeMail({ from: 'pm@lakesidepeds.org', subject: 'Beta consent: Acme Scheduler', body: BETA_CONSENT, messageId: '<ms-beta@lakesidepeds.org>' })], mailbox);
      const r = await runCountersign(['run', '--once'], env);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(p.query('SELECT outcome FROM messages')).toEqual([{ outcome: 'applied' }]);
      expect(smtp.received.map((m) => m.to)).toEqual([['integrations@acmehealth.io'], ['pm@lakesidepeds.org']]);
      expect(oauth.issued.at(-1)).toMatchObject({ clientId: APP, scope: 'https://outlook.office365.com/.default', mailbox: user });
      noSecrets(r.stdout + r.stderr);
      const doc = await doctor(env);
      expect(doc.failed).toEqual([]);
      expect(doc.check('oauth token')).toMatchObject({ verdict: 'ok', detail: `Microsoft 365 issued a token for ${user}` });
      expect(doc.check('imap login')!.detail).toContain('(OAuth2, Microsoft 365)');
      expect(doc.check('smtp')).toMatchObject({ verdict: 'ok' });
    } finally {
      await smtp.close();
    }
  });

  it("doctor names Microsoft's refusals in words: wrong tenant, wrong secret, mailbox not granted to the app", async () => {
    const { env } = await deployment(microsoftEnv(), null);
    const tenant = await doctor({ ...env, COUNTERSIGN_OAUTH_TENANT: 'contoso.invalid' });
    expect(tenant.failed).toEqual(['oauth token']);
    expect(tenant.check('oauth token')!.detail).toMatch(/^Microsoft 365 refused a token: .*COUNTERSIGN_OAUTH_TENANT/);
    const secret = await doctor({ ...env, COUNTERSIGN_OAUTH_CLIENT_SECRET: 'not-the-secret' });
    expect(secret.failed).toEqual(['oauth token']);
    expect(secret.check('oauth token')!.detail).toBe("Microsoft 365 refused a token: the client secret is wrong: use the secret's value (not its ID) in COUNTERSIGN_OAUTH_CLIENT_SECRET (AADSTS7000215)");
    expect(secret.stderr + JSON.stringify(secret)).not.toContain('not-the-secret');
    const ungranted = await doctor({ ...env, COUNTERSIGN_OAUTH_CLIENT_ID: 'ungranted-app', COUNTERSIGN_OAUTH_CLIENT_SECRET: 'other-secret' });
    expect(ungranted.failed).toEqual(['imap login']);
    expect(ungranted.check('oauth token')!.verdict).toBe('ok');
    const login = ungranted.check('imap login')!.detail;
    expect(login).toContain(`authentication failed for ${user} at 127.0.0.1: the server refused the OAuth2 token from Microsoft 365`);
    expect(login).toContain('Add-MailboxPermission');
  });

  it('Microsoft 365 with a certificate instead of a secret', async () => {
    const { p, env, mailbox } = await deployment(microsoftEnv({ COUNTERSIGN_OAUTH_CLIENT_SECRET: '' }), null);
    const { execFileSync } = await import('node:child_process');
    const pem = path.join(p.dir, 'app-cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', pem, '-out', `${pem}.crt`, '-days', '2', '-subj', '/CN=countersign'], { stdio: 'ignore' });
    const cert = readFileSync(`${pem}.crt`, 'utf8');
    writeFileSync(pem, cert, { flag: 'a' });
    // The certificate (public part only) uploaded to the app registration.
    oauth.apps['cert-app'] = { certificate: cert, mailbox: user };
    await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<ms-cert@riversidefm.org>' })], mailbox);
    const r = await runCountersign(['run', '--once'], { ...env, COUNTERSIGN_OAUTH_CLIENT_ID: 'cert-app', COUNTERSIGN_OAUTH_CERTIFICATE: pem });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(p.query('SELECT outcome FROM messages')).toEqual([{ outcome: 'applied' }]);
    expect(oauth.issued.at(-1)).toMatchObject({ clientId: 'cert-app', mailbox: user });
  });

  it('Google Workspace (google-auth-library, service account with domain-wide delegation): run --once reads the mailbox; doctor names missing delegation', async () => {
    const { p, env, mailbox } = await deployment({}, null);
    const key = oauth.serviceAccountFile(p.dir);
    const gEnv = { ...env, COUNTERSIGN_OAUTH_PROVIDER: 'google', COUNTERSIGN_OAUTH_SERVICE_ACCOUNT: key };
    await appendAll(dovecot, [makeMail({ from: 'pm@riversidefm.org', body: PRODUCTION_APPROVAL, messageId: '<google@riversidefm.org>' })], mailbox);
    const r = await runCountersign(['run', '--once'], gEnv);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(p.query('SELECT outcome FROM messages')).toEqual([{ outcome: 'applied' }]);
    // The service account acted as the mailbox user (the JWT's sub), with Gmail's scope.
    expect(oauth.issued.at(-1)).toMatchObject({ grant: 'urn:ietf:params:oauth:grant-type:jwt-bearer', mailbox: user, scope: 'https://mail.google.com/' });
    const ok = await doctor(gEnv);
    expect(ok.failed).toEqual([]);
    mkdirSync(path.join(p.dir, 'other'));
    const undelegated = await doctor({ ...gEnv, COUNTERSIGN_OAUTH_SERVICE_ACCOUNT: oauth.serviceAccountFile(path.join(p.dir, 'other'), { email: 'nodelegation@project.iam.gserviceaccount.com', delegated: false }) });
    expect(undelegated.failed).toEqual(['oauth token']);
    expect(undelegated.check('oauth token')!.detail).toContain('Google Workspace refused a token: domain-wide delegation is missing');
  });
});

describe('errors in words', () => {
  it('run --once and run say "authentication failed" with the server\'s text for a wrong password, not "Command failed"', async () => {
    const p = await makeProject();
    const env = { ...p.env, COUNTERSIGN_IMAP_URL: dovecot.url('INBOX').replace(/:[^:@/]+@/, ':wrong@') };
    const once = await runCountersign(['run', '--once'], env);
    expect(once.code).not.toBe(0);
    expect(once.stderr).toContain(`the mailbox cannot be reached: authentication failed for ${user} at 127.0.0.1: [AUTHENTICATIONFAILED] Authentication failed.`);
    expect(once.stderr).not.toContain('Command failed');
    const d = startDaemon(env);
    try {
      await waitFor('a retry', () => d.output().includes('mailbox unavailable; retrying'), 20_000);
    } finally {
      await d.stop();
    }
    const line = JSON.parse(d.output().split('\n').find((l) => l.includes('mailbox unavailable; retrying'))!) as { err: { message: string } };
    expect(line.err.message).toBe(`authentication failed for ${user} at 127.0.0.1: [AUTHENTICATIONFAILED] Authentication failed.`);
  });
});
