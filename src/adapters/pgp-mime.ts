import { randomBytes } from 'node:crypto';
import * as openpgp from 'openpgp';

export interface PgpMimeInput {
  from: string;
  to: string;
  messageId: string;
  date: Date;
  /** The subject shown outside the encryption: never anything secret. */
  outerSubject: string;
  /** The subject inside the encrypted entity (RFC 3156 protects only what is inside). */
  innerSubject: string;
  body: string;
  /** Extra visible headers, e.g. Auto-Submitted (RFC 3834). */
  headers?: Record<string, string>;
  encryptionKey: openpgp.Key;
  signingKey: openpgp.PrivateKey;
}

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

/** RFC 2047 for a header value that is not plain ASCII. */
function headerValue(v: string): string {
  return /^[\x20-\x7e]*$/.test(v) ? v : `=?UTF-8?B?${Buffer.from(v, 'utf8').toString('base64')}?=`;
}

/**
 * A PGP/MIME message (RFC 3156 §4 and §6.2): `multipart/encrypted; protocol="application/pgp-encrypted"`
 * with a `Version: 1` part and an `application/octet-stream` part holding one OpenPGP message that is
 * signed with Countersign's key and encrypted to the partner's. The encrypted payload is itself a
 * MIME entity (text/plain, with its own Subject), so GnuPG, Thunderbird and openpgp all read it.
 */
export async function buildPgpMime(input: PgpMimeInput): Promise<string> {
  const inner = crlf(
    [
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      `Subject: ${headerValue(input.innerSubject)}`,
      '',
      input.body,
    ].join('\n'),
  );
  const armored = await openpgp.encrypt({
    message: await openpgp.createMessage({ text: inner }),
    encryptionKeys: input.encryptionKey,
    signingKeys: input.signingKey,
    format: 'armored',
  });
  const boundary = `cs-${randomBytes(12).toString('hex')}`;
  const headers = [
    `From: ${input.from}`,
    `To: ${input.to}`,
    `Subject: ${headerValue(input.outerSubject)}`,
    `Date: ${input.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${input.messageId}`,
    ...Object.entries(input.headers ?? {}).map(([k, v]) => `${k}: ${headerValue(v)}`),
    'MIME-Version: 1.0',
    `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${boundary}"`,
  ];
  return crlf(
    [
      ...headers,
      '',
      'This is an OpenPGP/MIME encrypted message (RFC 3156).',
      `--${boundary}`,
      'Content-Type: application/pgp-encrypted',
      'Content-Description: PGP/MIME version identification',
      '',
      'Version: 1',
      '',
      `--${boundary}`,
      'Content-Type: application/octet-stream; name="encrypted.asc"',
      'Content-Description: OpenPGP encrypted message',
      'Content-Disposition: inline; filename="encrypted.asc"',
      '',
      armored.trimEnd(),
      '',
      `--${boundary}--`,
      '',
    ].join('\n'),
  );
}

/** Countersign's signing key from COUNTERSIGN_SIGNING_KEY (armored), unlocked with its passphrase. */
export async function loadSigningKey(armored: string, passphrase: string | undefined): Promise<openpgp.PrivateKey> {
  const key = await openpgp.readPrivateKey({ armoredKey: armored });
  const unlocked = key.isDecrypted() ? key : await openpgp.decryptKey({ privateKey: key, passphrase: passphrase ?? '' });
  await unlocked.getSigningKey(); // throws when the key cannot sign
  return unlocked;
}
