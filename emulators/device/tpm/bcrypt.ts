import type { KeyObject } from 'node:crypto';

// Stand-in until emulators/protocols/bcrypt-blob.ts lands (the Entra helper's); then this re-exports it.
/** BCRYPT_RSAKEY_BLOB, public only: LE header, BE exponent and modulus, no primes (entra-mde2.md §4). */
export function bcryptRsaPublicBlob(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') throw new Error('not an RSA public key');
  const n = Buffer.from(jwk.n, 'base64url');
  const e = Buffer.from(jwk.e, 'base64url');
  const head = Buffer.alloc(24);
  head.write('RSA1', 0, 'ascii');
  head.writeUInt32LE(n.length * 8, 4);
  head.writeUInt32LE(e.length, 8);
  head.writeUInt32LE(n.length, 12);
  return Buffer.concat([head, e, n]);
}
