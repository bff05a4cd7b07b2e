import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

/**
 * aes256-cts-hmac-sha1-96 (etype 18), the Kerberos encryption type of Entra's TGTs: the RFC 3961 simplified
 * profile (n-fold, DK key derivation, confounder + CBC-CTS + HMAC-SHA1-96) over AES as RFC 3962 defines it.
 * Only the AES block and HMAC/PBKDF2 primitives come from node:crypto; the protocol is written out here.
 */

export const ETYPE_AES256_CTS_HMAC_SHA1_96 = 18;
const BLOCK = 16;
/** HMAC-SHA1 truncated to 96 bits (RFC 3962 §6: h = 96). */
const MAC_BYTES = 12;
/** RFC 3962 §4: the default iteration count of the string-to-key function. */
export const DEFAULT_ITERATIONS = 4096;

/** Key usage numbers (RFC 4120 §7.5.1) of the messages the lab encrypts. */
export const KEY_USAGE = {
  /** AS-REQ PA-ENC-TIMESTAMP, encrypted with the client key. */
  paEncTimestamp: 1,
  /** Ticket enc-part (EncTicketPart), encrypted with the service (here the KDC's krbtgt) key. */
  ticket: 2,
  /** AS-REP enc-part (EncASRepPart), encrypted with the client key. */
  asRepEncPart: 3,
} as const;

/** RFC 3961 §5.1 n-fold: rotate copies of the input by 13 bits and add them with end-around carry into `bytes`. */
export function nfold(input: Buffer, bytes: number): Buffer {
  const inLen = input.length;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const lcm = (inLen * bytes) / gcd(inLen, bytes);
  const out = Buffer.alloc(bytes);
  const inBits = inLen * 8;
  let carry = 0;
  // Byte i of the lcm-long stream: copy number ⌊i/inLen⌋, rotated right by 13 bits per copy.
  for (let i = lcm - 1; i >= 0; i--) {
    const msbit = (inBits - 1 + (inBits + 13) * Math.floor(i / inLen) + (inLen - (i % inLen)) * 8) % inBits;
    const hi = input[(inLen - 1 - (msbit >>> 3) + inLen) % inLen]!;
    const lo = input[(inLen - (msbit >>> 3)) % inLen]!;
    carry += (((hi << 8) | lo) >>> ((msbit & 7) + 1)) & 0xff;
    carry += out[i % bytes]!;
    out[i % bytes] = carry & 0xff;
    carry >>>= 8;
  }
  // End-around carry: one's-complement addition.
  for (let i = bytes - 1; carry !== 0 && i >= 0; i--) {
    carry += out[i]!;
    out[i] = carry & 0xff;
    carry >>>= 8;
  }
  return out;
}

function aesEcb(key: Buffer, block: Buffer): Buffer {
  const c = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

function aesEcbDecrypt(key: Buffer, block: Buffer): Buffer {
  const d = createDecipheriv(`aes-${key.length * 8}-ecb`, key, null);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(block), d.final()]);
}

/** RFC 3961 §5.1 DR: encrypt n-fold(constant) repeatedly (CBC with a zero IV, one block at a time) for key-length bytes. */
export function dr(key: Buffer, constant: Buffer): Buffer {
  const blocks: Buffer[] = [];
  let block = constant.length === BLOCK ? constant : nfold(constant, BLOCK);
  while (blocks.length * BLOCK < key.length) {
    block = aesEcb(key, block);
    blocks.push(block);
  }
  return Buffer.concat(blocks).subarray(0, key.length);
}

/** RFC 3961 §5.1 DK = random-to-key(DR(key, constant)); random-to-key is the identity for AES (RFC 3962 §6). */
export function dk(key: Buffer, constant: Buffer): Buffer {
  return dr(key, constant);
}

/** The three keys of a key usage (RFC 3961 §5.3): Kc (checksum, 0x99), Ke (encryption, 0xAA), Ki (integrity, 0x55). */
export function usageKeys(baseKey: Buffer, usage: number): { kc: Buffer; ke: Buffer; ki: Buffer } {
  const c = (octet: number) => {
    const b = Buffer.alloc(5);
    b.writeUInt32BE(usage >>> 0);
    b[4] = octet;
    return dk(baseKey, b);
  };
  return { kc: c(0x99), ke: c(0xaa), ki: c(0x55) };
}

/**
 * RFC 3962 §4 string-to-key: PBKDF2-HMAC-SHA1(password, salt, iterations, key length), then DK(tkey, "kerberos").
 * The salt of a principal is its realm followed by its name components (RFC 4120 §4: the default salt).
 */
export function stringToKey(password: string | Buffer, salt: string | Buffer, iterations: number = DEFAULT_ITERATIONS, keyBytes = 32): Buffer {
  const tkey = pbkdf2Sync(password, salt, iterations, keyBytes, 'sha1');
  return dk(tkey, Buffer.from('kerberos', 'ascii'));
}

/** The default salt of a principal (RFC 4120 §4): the realm, then every name component, concatenated. */
export function defaultSalt(realm: string, nameComponents: readonly string[]): string {
  return realm + nameComponents.join('');
}

/**
 * AES in CBC mode with ciphertext stealing (RFC 3962 §5: CBC-CS3, the last two blocks swapped even when the input is
 * a whole number of blocks), IV zero, no padding: the output is as long as the input (at least one block).
 */
export function ctsEncrypt(key: Buffer, plain: Buffer, iv: Buffer = Buffer.alloc(BLOCK)): Buffer {
  if (plain.length < BLOCK) throw new RangeError('CBC-CTS needs at least one block');
  const c = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv);
  c.setAutoPadding(false);
  if (plain.length === BLOCK) return Buffer.concat([c.update(plain), c.final()]);
  const tail = plain.length % BLOCK || BLOCK;
  const padded = Buffer.concat([plain, Buffer.alloc(BLOCK - tail)]);
  const cbc = Buffer.concat([c.update(padded), c.final()]);
  const n = cbc.length / BLOCK;
  const head = cbc.subarray(0, (n - 2) * BLOCK);
  const penultimate = cbc.subarray((n - 2) * BLOCK, (n - 1) * BLOCK);
  const last = cbc.subarray((n - 1) * BLOCK);
  return Buffer.concat([head, last, penultimate.subarray(0, tail)]);
}

export function ctsDecrypt(key: Buffer, cipher: Buffer, iv: Buffer = Buffer.alloc(BLOCK)): Buffer {
  if (cipher.length < BLOCK) throw new RangeError('CBC-CTS needs at least one block');
  if (cipher.length === BLOCK) {
    const d = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv);
    d.setAutoPadding(false);
    return Buffer.concat([d.update(cipher), d.final()]);
  }
  const tail = cipher.length % BLOCK || BLOCK;
  const n = Math.ceil(cipher.length / BLOCK);
  const head = cipher.subarray(0, (n - 2) * BLOCK);
  const swappedLast = cipher.subarray((n - 2) * BLOCK, (n - 1) * BLOCK);
  const stolen = cipher.subarray((n - 1) * BLOCK);
  // D(Cn) = Pn‖0… XOR C(n-1): its bytes past the tail are C(n-1)'s own, which completes the stolen block.
  const dn = aesEcbDecrypt(key, swappedLast);
  const penultimate = Buffer.concat([stolen, dn.subarray(tail)]);
  const lastPlain = Buffer.from(stolen.map((b, i) => b ^ dn[i]!));
  const prev = head.length > 0 ? head.subarray(head.length - BLOCK) : iv;
  const dp = aesEcbDecrypt(key, penultimate);
  const penultimatePlain = Buffer.from(dp.map((b, i) => b ^ prev[i]!));
  let headPlain = Buffer.alloc(0);
  if (head.length > 0) {
    const d = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv);
    d.setAutoPadding(false);
    headPlain = Buffer.concat([d.update(head), d.final()]);
  }
  return Buffer.concat([headPlain, penultimatePlain, lastPlain]);
}

/**
 * RFC 3961 §5.3 encryption: ciphertext = E(Ke, confounder ‖ plaintext) ‖ HMAC-SHA1(Ki, confounder ‖ plaintext)[0..12].
 * The confounder (one block of random bytes) is the caller's, so the lab draws it from its ids.
 */
export function encrypt(baseKey: Buffer, usage: number, plaintext: Buffer, confounder: Buffer): Buffer {
  if (confounder.length !== BLOCK) throw new RangeError('the confounder is one AES block (16 bytes)');
  const { ke, ki } = usageKeys(baseKey, usage);
  const data = Buffer.concat([confounder, plaintext]);
  const mac = createHmac('sha1', ki).update(data).digest().subarray(0, MAC_BYTES);
  return Buffer.concat([ctsEncrypt(ke, data), mac]);
}

export class IntegrityError extends Error {
  constructor() {
    super('the HMAC-SHA1-96 integrity check failed: wrong key or key usage, or the ciphertext was altered');
  }
}

/** RFC 3961 §5.3 decryption: check the HMAC over the decrypted confounder ‖ plaintext, return the plaintext. */
export function decrypt(baseKey: Buffer, usage: number, ciphertext: Buffer): Buffer {
  if (ciphertext.length < BLOCK + MAC_BYTES) throw new RangeError('ciphertext shorter than a confounder and a MAC');
  const { ke, ki } = usageKeys(baseKey, usage);
  const body = ciphertext.subarray(0, ciphertext.length - MAC_BYTES);
  const mac = ciphertext.subarray(ciphertext.length - MAC_BYTES);
  const data = ctsDecrypt(ke, body);
  const expected = createHmac('sha1', ki).update(data).digest().subarray(0, MAC_BYTES);
  if (!timingSafeEqual(mac, expected)) throw new IntegrityError();
  return data.subarray(BLOCK);
}

/** RFC 3961 §5.4 / RFC 3962 §7 checksum hmac-sha1-96-aes256 (type 16): HMAC-SHA1(Kc, data) truncated to 96 bits. */
export function checksum(baseKey: Buffer, usage: number, data: Buffer): Buffer {
  return createHmac('sha1', usageKeys(baseKey, usage).kc).update(data).digest().subarray(0, MAC_BYTES);
}
