import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * BCRYPT_RSAKEY_BLOB, public form (entra-mde2.md §4): the `TransportKey` of a DRS join. A little-endian header
 * of six u32 (Magic, BitLength, cbPublicExp, cbModulus, cbPrime1, cbPrime2), then the exponent and the modulus
 * as big-endian byte strings, no padding between them.
 */
export const BCRYPT_RSAPUBLIC_MAGIC = 0x31415352; // ASCII "RSA1"
export const BCRYPT_RSAPRIVATE_MAGIC = 0x32415352; // ASCII "RSA2": a blob with primes, which DRS refuses
export const BCRYPT_RSAFULLPRIVATE_MAGIC = 0x33415352; // ASCII "RSA3"
const HEADER_BYTES = 24;

export type BcryptBlobProblem =
  | 'truncated'
  | 'bad-magic'
  | 'private-parts'
  | 'bad-bit-length'
  | 'length-mismatch'
  | 'bad-exponent'
  | 'bad-modulus';

/** Why a blob was refused; `problem` is stable for callers, `message` is for people. */
export class BcryptBlobError extends Error {
  constructor(
    readonly problem: BcryptBlobProblem,
    message: string,
  ) {
    super(message);
    this.name = 'BcryptBlobError';
  }
}

export interface BcryptRsaPublicKey {
  bitLength: number;
  exponent: Buffer;
  modulus: Buffer;
  publicKey: KeyObject;
}

/** Big-endian bytes without leading zeros (ROADtools' `int.to_bytes((bit_length+7)//8, 'big')`). */
function minimal(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function bitLengthOf(modulus: Buffer): number {
  const m = minimal(modulus);
  if (m.length === 0 || (m.length === 1 && m[0] === 0)) return 0;
  return (m.length - 1) * 8 + (32 - Math.clz32(m[0]!));
}

/** Build the public blob for an RSA public key (a node KeyObject or an RSA JWK with `n` and `e`). */
export function bcryptRsaKeyBlob(key: KeyObject | JsonWebKey): Buffer {
  const jwk = 'export' in key && typeof key.export === 'function' ? (key as KeyObject).export({ format: 'jwk' }) : (key as JsonWebKey);
  if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') throw new TypeError('an RSA public key is required');
  const exponent = minimal(Buffer.from(jwk.e, 'base64url'));
  const modulus = minimal(Buffer.from(jwk.n, 'base64url'));
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(BCRYPT_RSAPUBLIC_MAGIC, 0);
  header.writeUInt32LE(bitLengthOf(modulus), 4);
  header.writeUInt32LE(exponent.length, 8);
  header.writeUInt32LE(modulus.length, 12);
  // cbPrime1 = cbPrime2 = 0: a public blob carries no private parts.
  return Buffer.concat([header, exponent, modulus]);
}

/**
 * Parse and validate a public blob as DRS does (entra-mde2.md §4, §11.2): RSA1 magic, no primes, lengths that
 * add up, the declared bit length, and `requiredBits` (2048 for a Windows transport key) when given.
 */
export function parseBcryptRsaKeyBlob(blob: Buffer, requiredBits: number | null = 2048): BcryptRsaPublicKey {
  if (blob.length < HEADER_BYTES) throw new BcryptBlobError('truncated', `blob is ${blob.length} bytes, shorter than its 24-byte header`);
  const magic = blob.readUInt32LE(0);
  if (magic === BCRYPT_RSAPRIVATE_MAGIC || magic === BCRYPT_RSAFULLPRIVATE_MAGIC)
    throw new BcryptBlobError('private-parts', 'blob is a private key blob (RSA2/RSA3); only BCRYPT_RSAPUBLIC_MAGIC is accepted');
  if (magic !== BCRYPT_RSAPUBLIC_MAGIC)
    throw new BcryptBlobError('bad-magic', `blob magic 0x${magic.toString(16).padStart(8, '0')} is not BCRYPT_RSAPUBLIC_MAGIC (0x31415352, "RSA1")`);
  const bitLength = blob.readUInt32LE(4);
  const cbPublicExp = blob.readUInt32LE(8);
  const cbModulus = blob.readUInt32LE(12);
  const cbPrime1 = blob.readUInt32LE(16);
  const cbPrime2 = blob.readUInt32LE(20);
  if (cbPrime1 !== 0 || cbPrime2 !== 0) throw new BcryptBlobError('private-parts', `blob declares primes (cbPrime1=${cbPrime1}, cbPrime2=${cbPrime2})`);
  if (HEADER_BYTES + cbPublicExp + cbModulus !== blob.length)
    throw new BcryptBlobError('length-mismatch', `header declares ${HEADER_BYTES + cbPublicExp + cbModulus} bytes, blob has ${blob.length}`);
  if (cbPublicExp === 0 || cbPublicExp > 8) throw new BcryptBlobError('bad-exponent', `cbPublicExp ${cbPublicExp} is out of range`);
  const exponent = blob.subarray(HEADER_BYTES, HEADER_BYTES + cbPublicExp);
  const modulus = blob.subarray(HEADER_BYTES + cbPublicExp);
  const e = BigInt(`0x${exponent.toString('hex')}`);
  if (e < 3n || e % 2n === 0n) throw new BcryptBlobError('bad-exponent', `public exponent ${e} is not an odd number ≥ 3`);
  const actualBits = bitLengthOf(modulus);
  if (actualBits !== bitLength) throw new BcryptBlobError('bad-modulus', `BitLength says ${bitLength} but the modulus has ${actualBits} bits`);
  if (requiredBits !== null && bitLength !== requiredBits)
    throw new BcryptBlobError('bad-bit-length', `key is RSA-${bitLength}; RSA-${requiredBits} is required`);
  const publicKey = createPublicKey({
    key: { kty: 'RSA', n: minimal(modulus).toString('base64url'), e: minimal(exponent).toString('base64url') },
    format: 'jwk',
  });
  return { bitLength, exponent: Buffer.from(exponent), modulus: Buffer.from(modulus), publicKey };
}
