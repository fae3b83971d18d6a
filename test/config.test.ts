import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { tempDir } from './helpers/temp-dir.js';

describe('configuration from the environment', () => {
  it('reads an IMAP URL with percent-encoded user and password', () => {
    const c = loadConfig({ COUNTERSIGN_IMAP_URL: 'imaps://api%40partners.example:p%2Fw%40d%20x@mail.example:1993/Approvals%20In' });
    expect(c.imap).toEqual({ secure: true, host: 'mail.example', port: 1993, user: 'api@partners.example', pass: 'p/w@d x', mailbox: 'Approvals In', display: 'imaps://api%40partners.example@mail.example:1993/Approvals In' });
  });

  it('takes the password from COUNTERSIGN_IMAP_PASSWORD_FILE when the URL has none, and defaults the port and mailbox', () => {
    const file = path.join(tempDir(), 'pw');
    writeFileSync(file, 'from-a-file\n');
    const c = loadConfig({ COUNTERSIGN_IMAP_URL: 'imap://bot@mail.example', COUNTERSIGN_IMAP_PASSWORD_FILE: file });
    expect(c.imap).toMatchObject({ secure: false, port: 143, pass: 'from-a-file', mailbox: 'INBOX' });
    expect(c.imap!.display).not.toContain('from-a-file');
  });

  it.each([
    [{ COUNTERSIGN_IMAP_URL: 'imap://bot@mail.example' }, 'COUNTERSIGN_IMAP_PASSWORD'],
    [{ COUNTERSIGN_IMAP_URL: 'pop3://bot:x@mail.example' }, 'COUNTERSIGN_IMAP_URL'],
    [{ COUNTERSIGN_POLL_SECONDS: 'soon' }, 'COUNTERSIGN_POLL_SECONDS'],
    [{ COUNTERSIGN_FROM: 'not an address' }, 'COUNTERSIGN_FROM'],
    [{ COUNTERSIGN_IMAP_PASSWORD_FILE: '/nonexistent/pw', COUNTERSIGN_IMAP_URL: 'imap://bot@mail.example' }, 'COUNTERSIGN_IMAP_PASSWORD_FILE'],
  ])('fails fast naming the variable (%o)', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (e) {
      expect((e as ConfigError).variable).toBe(variable);
    }
  });

  it('uses the embedded Maildir default without an IMAP URL', () => {
    const c = loadConfig({});
    expect(c.imap).toBeNull();
    expect(c.maildir).toBe(path.resolve('./var/maildir'));
    expect(c.maxMessageBytes).toBe(25 * 1024 * 1024);
    expect(c.folders).toEqual({ processed: 'Countersign/Processed', flagged: 'Countersign/Flagged', ignored: 'Countersign/Ignored' });
  });
});
