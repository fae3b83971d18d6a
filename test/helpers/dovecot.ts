import { execFileSync, execSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

export interface Dovecot {
  host: string;
  port: number;
  user: string;
  pass: string;
  dir: string;
  /** imap://user:pass@127.0.0.1:port/MAILBOX */
  url(mailbox?: string): string;
  stop(): void;
  start(): Promise<void>;
  doveadm(...args: string[]): string;
  destroy(): void;
}

const DOVECOT = '/usr/sbin/dovecot';

/**
 * Makes sure Dovecot is installed: installs dovecot-imapd with apt-get when missing and we are root,
 * and otherwise fails loudly with what to do. Tests never skip for a missing server.
 */
export function ensureDovecot(): void {
  if (existsSync(DOVECOT)) return;
  if (process.getuid?.() !== 0) {
    throw new Error('Dovecot is not installed and this is not root: run `sudo apt-get install -y dovecot-imapd` (Debian/Ubuntu), then run the tests again.');
  }
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd', { stdio: 'inherit' });
  if (!existsSync(DOVECOT)) throw new Error('apt-get install dovecot-imapd did not install /usr/sbin/dovecot');
}

function waitForGreeting(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = connect(port, '127.0.0.1');
      sock.once('data', (d) => {
        sock.destroy();
        if (String(d).startsWith('* OK')) resolve();
        else retry(new Error(`unexpected greeting ${String(d)}`));
      });
      sock.once('error', retry);
    };
    const retry = (e: Error) => {
      if (Date.now() > until) reject(new Error(`Dovecot did not answer on port ${port}: ${e.message}`));
      else setTimeout(attempt, 50);
    };
    attempt();
  });
}

export interface DovecotOptions {
  /**
   * Personal folders under this prefix with `.` as separator (`INBOX.`), as Cyrus and Courier
   * present them (RFC 2342 NAMESPACE); default: Dovecot's own (no prefix).
   */
  namespacePrefix?: string;
  /**
   * OAuth2 (SASL XOAUTH2 and OAUTHBEARER, RFC 7628) besides passwords: Dovecot's oauth2 passdb
   * validates the bearer token locally, a JWT checked against the issuer's public key in `keysDir`
   * (`default/RS256/<kid>`), and takes the mailbox it grants from the token's `email` claim.
   */
  oauth2?: { keysDir: string };
}

/** A throwaway Dovecot on a free loopback port with one passwd-file user and a temporary Maildir. */
export async function startDovecot(opts: DovecotOptions = {}): Promise<Dovecot> {
  ensureDovecot();
  const dir = mkdtempSync(path.join(tmpdir(), 'cs-dovecot-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const user = 'apipartners@partners.example';
  // URL-special characters on purpose (percent-encoding is tested); no ':' (the passwd-file separator).
  const pass = 's3cret pass/with@odd%chars&more';
  mkdirSync(path.join(dir, 'mail'), { recursive: true });
  mkdirSync(path.join(dir, 'base'), { recursive: true });
  mkdirSync(path.join(dir, 'state'), { recursive: true });
  writeFileSync(path.join(dir, 'users'), `${user}:{PLAIN}${pass}\n`);
  const conf = path.join(dir, 'dovecot.conf');
  const namespace = opts.namespacePrefix
    ? `namespace inbox {\n  prefix = ${opts.namespacePrefix}\n  separator = .\n  inbox = yes\n}\n`
    : '';
  let oauth = '';
  if (opts.oauth2) {
    writeFileSync(
      path.join(dir, 'dovecot-oauth2.conf.ext'),
      `introspection_mode = local\nlocal_validation_key_dict = fs:posix:prefix=${opts.oauth2.keysDir}/\nusername_attribute = email\n`,
    );
    // After the password file: a token offered as a password fails there and is validated here.
    oauth = `passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = ${dir}/dovecot-oauth2.conf.ext\n}\n`;
  }
  writeFileSync(
    conf,
    `base_dir = ${dir}/base
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login${opts.oauth2 ? ' xoauth2 oauthbearer' : ''}
mail_location = maildir:${dir}/mail/%u
first_valid_uid = 1
default_login_user = dovenull
default_internal_user = dovecot
mailbox_idle_check_interval = 1 secs
auth_verbose = yes
service imap-login {
  inet_listener imap {
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
${namespace}passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
${oauth}userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${dir}/mail/%u
}
`,
  );
  execSync(`chown -R dovecot:dovecot ${dir}/mail`);
  const d: Dovecot = {
    host: '127.0.0.1',
    port,
    user,
    pass,
    dir,
    url: (mailbox = 'INBOX') => `imap://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}/${encodeURIComponent(mailbox)}`,
    stop: () => {
      try {
        // A restart drops every session, as shutdown_clients does in production; `stop` alone
        // leaves running imap processes serving their connections.
        execFileSync('doveadm', ['-c', conf, 'kick', user], { stdio: 'ignore' });
      } catch {
        /* no session to kick */
      }
      try {
        execFileSync('doveadm', ['-c', conf, 'stop'], { stdio: 'ignore' });
      } catch {
        /* already stopped */
      }
      // doveadm stop returns before the listener is gone; wait for the master to exit.
      for (let i = 0; i < 100 && existsSync(path.join(dir, 'base', 'master.pid')); i++) execSync('sleep 0.05');
    },
    start: async () => {
      // stdio ignored: the daemonized master keeps inherited pipes open, which would block here.
      execFileSync(DOVECOT, ['-c', conf], { stdio: 'ignore' });
      await waitForGreeting(port);
    },
    doveadm: (...args: string[]) => execFileSync('doveadm', ['-c', conf, ...args], { encoding: 'utf8' }),
    destroy: () => {
      d.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await d.start();
  return d;
}
