import Database from 'better-sqlite3';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { makeKey } from '../helpers/pgp-keys.js';
import { makeProject } from '../helpers/project.js';
import { runCountersign } from '../helpers/run-cli.js';

describe('countersign keys check', () => {
  it('lists each partner key with fingerprint, expiry and encryption, exit 0 when all are usable', async () => {
    const p = await makeProject();
    const r = await runCountersign(['keys', 'check', '--json'], p.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: true,
      partners: [
        {
          partner: 'acme',
          contact: 'integrations@acmehealth.io',
          fingerprint: expect.stringMatching(/^[0-9A-F]{40}$/),
          expiresAt: null,
          expiringKey: { role: 'encryption subkey', keyId: expect.stringMatching(/^[0-9A-F]{16}$/), fingerprint: expect.stringMatching(/^[0-9A-F]{40}$/) },
          primaryExpiresAt: null,
          daysLeft: null,
          canEncrypt: true,
          problem: null,
          warning: null,
          activeIntegrations: 1,
        },
      ],
      botKey: { file: null, fingerprint: null, expiresAt: null, expiringKey: null, daysLeft: null, canSign: false, problem: null, warning: null },
      warnings: [],
    });
  });

  it('warns about a key expiring within 30 days', async () => {
    const p = await makeProject();
    const soon = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'integrations@acmehealth.io' }], keyExpirationTime: 10 * 86_400, format: 'armored' });
    const db = new Database(p.dbPath);
    db.prepare("UPDATE partners SET public_key_armored = ? WHERE id = 'acme'").run(soon.publicKey);
    db.close();
    const r = await runCountersign(['keys', 'check'], p.env);
    expect(r.code).toBe(0);
    // Both its primary key and its encryption subkey expire then: the primary key is named.
    expect(r.stdout).toMatch(/primary key [0-9A-F]{16} of partner acme expires on \d{4}-\d\d-\d\d \(10 days\)/);
    expect(r.stderr).toMatch(/warning: primary key [0-9A-F]{16} of partner acme expires on \d{4}-\d\d-\d\d \(10 days\); ask integrations@acmehealth.io for a renewed key/);
  });

  it('exits 1 when a partner with an active integration has no usable key', async () => {
    const p = await makeProject();
    const db = new Database(p.dbPath);
    db.prepare("UPDATE partners SET public_key_armored = ? WHERE id = 'acme'").run((await makeKey('integrations@acmehealth.io', { signOnly: true })).publicKey);
    db.close();
    const r = await runCountersign(['keys', 'check'], p.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/acme\s+[0-9A-F]{40}\s+never\s+NO\s+1/);
    expect(r.stderr).toContain('identifiers for these partners will be held');
  });
});
