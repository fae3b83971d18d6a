import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

/** An unguessable flag reference: 13 base32 characters, 65 bits of randomness. */
export function newFlagToken(): string {
  const bytes = randomBytes(13);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return `CS-${out}`;
}
