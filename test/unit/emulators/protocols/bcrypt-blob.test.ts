import { describe, it, expect } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { bcryptRsaKeyBlob, parseBcryptRsaKeyBlob, BcryptBlobError } from '../../../../emulators/protocols/bcrypt-blob.js';

const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof BcryptBlobError) return e.problem;
    throw e;
  }
  return 'accepted';
}

describe('BCRYPT_RSAKEY_BLOB (entra-mde2.md §4)', () => {
  it('an RSA-2048 public blob is 283 bytes and starts with the documented header', () => {
    const blob = bcryptRsaKeyBlob(rsa2048.publicKey);
    expect(blob.length).toBe(283);
    expect(blob.toString('base64').startsWith('UlNBMQAIAAADAAAAAAEAAAAAAAAAAAAAAQAB')).toBe(true);
  });

  it('a JWK builds the same blob as the KeyObject', () => {
    expect(bcryptRsaKeyBlob(rsa2048.publicKey.export({ format: 'jwk' })).equals(bcryptRsaKeyBlob(rsa2048.publicKey))).toBe(true);
  });

  it('parsing gives back the same public key', () => {
    const parsed = parseBcryptRsaKeyBlob(bcryptRsaKeyBlob(rsa2048.publicKey));
    expect(parsed.bitLength).toBe(2048);
    expect(parsed.exponent.toString('hex')).toBe('010001');
    expect(parsed.publicKey.export({ format: 'jwk' })).toEqual(rsa2048.publicKey.export({ format: 'jwk' }));
  });

  it('a bad magic is refused', () => {
    const blob = bcryptRsaKeyBlob(rsa2048.publicKey);
    blob.write('XSA1', 0, 'ascii');
    expect(problemOf(() => parseBcryptRsaKeyBlob(blob))).toBe('bad-magic');
  });

  it('a private blob (RSA2 magic) is refused', () => {
    const blob = bcryptRsaKeyBlob(rsa2048.publicKey);
    blob.write('RSA2', 0, 'ascii');
    expect(problemOf(() => parseBcryptRsaKeyBlob(blob))).toBe('private-parts');
  });

  it('declared primes are refused', () => {
    const blob = bcryptRsaKeyBlob(rsa2048.publicKey);
    blob.writeUInt32LE(128, 16);
    expect(problemOf(() => parseBcryptRsaKeyBlob(blob))).toBe('private-parts');
  });

  it('an RSA-1024 key is refused where 2048 is required', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(problemOf(() => parseBcryptRsaKeyBlob(bcryptRsaKeyBlob(small.publicKey)))).toBe('bad-bit-length');
    expect(parseBcryptRsaKeyBlob(bcryptRsaKeyBlob(small.publicKey), null).bitLength).toBe(1024);
  });

  it('a BitLength that disagrees with the modulus is refused', () => {
    const blob = bcryptRsaKeyBlob(rsa2048.publicKey);
    blob.writeUInt32LE(4096, 4);
    expect(problemOf(() => parseBcryptRsaKeyBlob(blob))).toBe('bad-modulus');
  });

  it('a truncated blob is refused', () => {
    expect(problemOf(() => parseBcryptRsaKeyBlob(bcryptRsaKeyBlob(rsa2048.publicKey).subarray(0, 200)))).toBe('length-mismatch');
    expect(problemOf(() => parseBcryptRsaKeyBlob(Buffer.alloc(10)))).toBe('truncated');
  });
});
