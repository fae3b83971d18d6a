import * as openpgp from 'openpgp';

export interface TestKey {
  publicKey: string;
  privateKey: string;
}

export async function makeKey(email: string, opts: { signOnly?: boolean; expiredHoursAgo?: number } = {}): Promise<TestKey> {
  const expired = opts.expiredHoursAgo !== undefined;
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: email.split('@')[0]!, email }],
    ...(opts.signOnly ? { subkeys: [] } : {}),
    ...(expired ? { date: new Date(Date.now() - (opts.expiredHoursAgo! + 1) * 3_600_000), keyExpirationTime: 3600 } : {}),
    format: 'armored',
  });
  return { publicKey, privateKey };
}

export async function makeRevokedKey(email: string): Promise<TestKey> {
  const k = await makeKey(email);
  const key = await openpgp.readPrivateKey({ armoredKey: k.privateKey });
  const revoked = await openpgp.revokeKey({ key, format: 'armored' });
  return { publicKey: revoked.publicKey, privateKey: revoked.privateKey };
}
