import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { effectiveExpiry, inspectPublicKey, lapsedExpiry, readAnyKey } from '../../src/adapters/pgp-keys.js';
import { describeExpiry, expiresSoon, expiringKeyLines, KEY_WARN_DAYS } from '../../src/core/key-expiry.js';
import { dateIn, gpgKey, openpgpKey } from '../helpers/expiring-keys.js';

const read = async (armored: string) => (await readAnyKey(armored))!;
const days = (iso: string | null) => (iso === null ? null : Math.round((Date.parse(iso) - Date.now()) / 86_400_000));

describe('the expiry that matters: when a key stops encrypting or signing', () => {
  it('a GnuPG key whose primary never expires but whose encryption subkey expires in 10 days: the subkey, named', async () => {
    const k = await gpgKey('integrations@acmehealth.io', 'encr', 10);
    const key = await read(k.publicKey);
    expect(await key.getExpirationTime()).toBe(Infinity); // what `keys check` used to print as "never"
    const e = await effectiveExpiry(key, 'encrypt');
    expect(e).toMatchObject({ role: 'encryption subkey', fingerprint: k.subkeyFingerprint, keyId: k.subkeyFingerprint!.slice(-16) });
    expect(e!.expiresAt!.slice(0, 10)).toBe(dateIn(10));
    // The same subkey openpgp encrypts to when sending.
    expect((await key.getEncryptionKey()).getFingerprint().toUpperCase()).toBe(k.subkeyFingerprint);
  });

  it('a registry import records when encryption stops: the 10-day subkey’s date, not the primary key’s "never"', async () => {
    const k = await gpgKey('integrations@acmehealth.io', 'encr', 10);
    const inspected = await inspectPublicKey(k.publicKey);
    expect(inspected.ok).toBe(true);
    expect(inspected.info!.expiresAt!.slice(0, 10)).toBe(dateIn(10));
    expect(inspected.info!.fingerprint).toBe((await read(k.publicKey)).getFingerprint().toUpperCase());
  });

  it('an encryption subkey outliving its primary key: the primary key ends it, and is named', async () => {
    const key = await read((await openpgpKey('a@acme.example', { primaryDays: 12, subkeyDays: 200 })).publicKey);
    const e = await effectiveExpiry(key, 'encrypt');
    expect(e).toMatchObject({ role: 'primary key', fingerprint: key.getFingerprint().toUpperCase() });
    expect(days(e!.expiresAt)).toBe(12);
  });

  it('a newer subkey expiring in 10 days beside an older one valid for a year: openpgp falls back, so the year counts', async () => {
    const old = await openpgp.readPrivateKey({ armoredKey: (await openpgpKey('a@acme.example', { subkeyDays: 365, createdDaysAgo: 1 })).privateKey });
    const both = await old.addSubkey({ keyExpirationTime: 10 * 86_400 });
    const key = both.toPublic();
    expect((await key.getEncryptionKey()).getFingerprint()).toBe(key.subkeys[1]!.getFingerprint()); // the newer one is used now
    const e = await effectiveExpiry(key, 'encrypt');
    expect(e).toMatchObject({ role: 'encryption subkey', fingerprint: key.subkeys[0]!.getFingerprint().toUpperCase() });
    expect(days(e!.expiresAt)).toBe(364);
  });

  it('a key that never expires has no expiry; one whose only encryption subkey expired says which and when', async () => {
    expect(await effectiveExpiry(await read((await openpgpKey('a@acme.example')).publicKey), 'encrypt')).toMatchObject({ role: 'encryption subkey', expiresAt: null });
    const expired = await openpgpKey('a@acme.example', { subkeyDays: 1, createdDaysAgo: 3 });
    const key = await read(expired.publicKey);
    expect(await effectiveExpiry(key, 'encrypt')).toBeNull();
    const lapsed = await lapsedExpiry(key, 'encrypt');
    expect(lapsed).toMatchObject({ role: 'encryption subkey', fingerprint: expired.subkeyFingerprint });
    expect(days(lapsed!.expiresAt)).toBe(-2);
  });

  it('signing: a certify-only primary with a signing subkey expiring in 10 days; a signing primary expiring in 20', async () => {
    const sub = await gpgKey('apipartners@partners.example', 'sign', 10);
    const e = await effectiveExpiry(await read(sub.privateKey), 'sign');
    expect(e).toMatchObject({ role: 'signing subkey', fingerprint: sub.subkeyFingerprint });
    expect(e!.expiresAt!.slice(0, 10)).toBe(dateIn(10));
    const primary = await openpgpKey('apipartners@partners.example', { primaryDays: 20 });
    const p = await effectiveExpiry(await read(primary.privateKey), 'sign');
    expect(p).toMatchObject({ role: 'primary key', fingerprint: primary.fingerprint });
    expect(days(p!.expiresAt)).toBe(20);
  });

  it('a signing subkey expiring soon under a primary that may sign and never expires: signing goes on, no expiry', async () => {
    const key = await read((await openpgpKey('apipartners@partners.example', { subkeyDays: 10, signingSubkey: true })).privateKey);
    expect(await effectiveExpiry(key, 'sign')).toMatchObject({ role: 'primary key', expiresAt: null });
  });
});

describe('the warning window and its words', () => {
  const now = new Date('2026-11-29T12:00:00.000Z');
  const at = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString();

  it(`warns from ${KEY_WARN_DAYS} days ahead, not for 40 days, never, or an expiry already past`, () => {
    expect(expiresSoon(at(10), now)).toBe(true);
    expect(expiresSoon(at(KEY_WARN_DAYS), now)).toBe(true);
    expect(expiresSoon(at(KEY_WARN_DAYS + 0.01), now)).toBe(false);
    expect(expiresSoon(at(40), now)).toBe(false);
    expect(expiresSoon(null, now)).toBe(false);
    expect(expiresSoon(at(-1), now)).toBe(false);
  });

  it('names the key, whose it is, the date and the days left', () => {
    const k = { role: 'encryption subkey' as const, keyId: '0123456789ABCDEF', owner: 'partner acme-dev', expiresAt: at(9.99) };
    expect(describeExpiry(k, now)).toBe('encryption subkey 0123456789ABCDEF of partner acme-dev expires on 2026-12-09 (10 days)');
    expect(describeExpiry({ ...k, expiresAt: at(0.1) }, now)).toBe('encryption subkey 0123456789ABCDEF of partner acme-dev expires on 2026-11-29 (1 day)');
  });

  it("the digest's lines: each key with whom to ask, anything not shaped like a key left out", () => {
    const lines = expiringKeyLines([{ role: 'signing subkey', keyId: 'FEDCBA9876543210', fingerprint: 'F'.repeat(40), owner: 'the bot (COUNTERSIGN_SIGNING_KEY)', expiresAt: at(3), contact: null }, { role: 'encryption subkey', keyId: '0123456789ABCDEF', fingerprint: '0'.repeat(40), owner: 'partner acme', expiresAt: at(10), contact: 'integrations@acmehealth.io' }, { nonsense: true }, 'x'], now);
    expect(lines).toEqual([
      'signing subkey FEDCBA9876543210 of the bot (COUNTERSIGN_SIGNING_KEY) expires on 2026-12-02 (3 days)',
      'encryption subkey 0123456789ABCDEF of partner acme expires on 2026-12-09 (10 days): ask integrations@acmehealth.io for a renewed key',
    ]);
    expect(expiringKeyLines(undefined, now)).toEqual([]);
  });
});
