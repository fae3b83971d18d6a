import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { buildPgpMime, loadSigningKey } from '../../src/adapters/pgp-mime.js';
import { Templates, TemplateError } from '../../src/adapters/templates.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TEMPLATES_DIR } from '../../src/paths.js';

const IDS = ['RFM-TEST-7731', 'RFM-TEST-7732'];

let partner: { publicKey: string; privateKey: string };
let signer: { publicKey: string; privateKey: string };
let raw: string;

beforeAll(async () => {
  partner = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Acme', email: 'integrations@acmehealth.io' }], format: 'armored' });
  signer = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Countersign', email: 'apipartners@partners.example' }], passphrase: 'signing pass', format: 'armored' });
  const body = new Templates().render('partner-test-identifiers', {
    appName: 'Acme Scheduler',
    clientName: 'Riverside Family Medicine',
    partnerName: 'Acme Health Apps',
    recordedAt: '2026-11-23T15:00:00Z',
    eventSeq: 7,
    identifiers: IDS,
    partnerKeyFingerprint: 'ABCD',
    teamName: 'API Partners',
  });
  raw = await buildPgpMime({
    from: 'API Partners <apipartners@partners.example>',
    to: 'integrations@acmehealth.io',
    messageId: '<cs-1@partners.example>',
    date: new Date('2026-11-23T15:00:00Z'),
    outerSubject: 'Encrypted message from API Partners',
    innerSubject: body.subject,
    body: body.body,
    headers: { 'Auto-Submitted': 'auto-generated' },
    encryptionKey: await openpgp.readKey({ armoredKey: partner.publicKey }),
    signingKey: await loadSigningKey(signer.privateKey, 'signing pass'),
  });
});

describe('PGP/MIME identifiers mail (RFC 3156)', () => {
  it('has the RFC 3156 structure and no identifier anywhere in clear', async () => {
    for (const id of IDS) expect(raw).not.toContain(id);
    expect(raw).toMatch(/^Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted"; boundary="/m);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Encrypted message from API Partners');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    const parts = raw.split(/--cs-[0-9a-f]+/);
    expect(parts[1]).toMatch(/Content-Type: application\/pgp-encrypted[\s\S]*Version: 1/);
    expect(parts[2]).toMatch(/Content-Type: application\/octet-stream[\s\S]*-----BEGIN PGP MESSAGE-----/);
  });

  it('decrypts with the partner key in openpgp, with a valid signature by Countersign, to a MIME entity with the identifiers', async () => {
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(raw)![0];
    const { data, signatures } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: armored }),
      decryptionKeys: await openpgp.readPrivateKey({ armoredKey: partner.privateKey }),
      verificationKeys: await openpgp.readKey({ armoredKey: signer.publicKey }),
      expectSigned: true,
    });
    expect(signatures).toHaveLength(1);
    await expect(signatures[0]!.verified).resolves.toBe(true);
    const inner = await simpleParser(String(data));
    expect(inner.subject).toBe('Acme Scheduler: Test environment identifiers for Riverside Family Medicine');
    for (const id of IDS) expect(inner.text).toContain(id);
  });

  describe('read by GnuPG', () => {
    let home: string;
    beforeAll(() => {
      home = mkdtempSync(path.join(tmpdir(), 'cs-gnupg-'));
      chmodSync(home, 0o700);
      const env = { ...process.env, GNUPGHOME: home };
      writeFileSync(path.join(home, 'partner.asc'), partner.privateKey);
      writeFileSync(path.join(home, 'signer.asc'), signer.publicKey);
      execFileSync('gpg', ['--batch', '--import', path.join(home, 'partner.asc'), path.join(home, 'signer.asc')], { env, stdio: 'ignore' });
    });
    afterAll(() => {
      try {
        execFileSync('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME: home }, stdio: 'ignore' });
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });

    it('decrypts the encrypted part and reports a good signature', () => {
      const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(raw)![0];
      const file = path.join(home, 'msg.asc');
      writeFileSync(file, armored);
      const out = execFileSync('gpg', ['--batch', '--status-fd', '1', '--decrypt', file], { env: { ...process.env, GNUPGHOME: home }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(out).toMatch(/\[GNUPG:\] GOODSIG [0-9A-F]+ Countersign <apipartners@partners.example>/);
      expect(out).toContain('RFM-TEST-7731');
      expect(out).toContain('Subject: Acme Scheduler: Test environment identifiers for Riverside Family Medicine');
    });
  });
});

describe('templates', () => {
  it('fail at load time when a template uses a variable its mail does not provide', () => {
    const dir = tempDir();
    for (const f of readdirSync(TEMPLATES_DIR)) copyFileSync(path.join(TEMPLATES_DIR, f), path.join(dir, f));
    writeFileSync(path.join(dir, 'partner-test-identifiers.txt'), 'Subject: {{appName}}\n\nHello {{partnerNmae}}\n');
    expect(() => new Templates(dir)).toThrow(TemplateError);
    expect(() => new Templates(dir)).toThrow(/partner-test-identifiers\.txt: unknown variable \{\{partnerNmae\}\}/);
  });

  it('fail at load time without a Subject line', () => {
    const dir = tempDir();
    for (const f of readdirSync(TEMPLATES_DIR)) copyFileSync(path.join(TEMPLATES_DIR, f), path.join(dir, f));
    writeFileSync(path.join(dir, 'client-fix.txt'), 'Hello\n');
    expect(() => new Templates(dir)).toThrow(/client-fix\.txt: must start with a "Subject: …" line/);
  });
});
