import { createHmac, createHash, createCipheriv, createDecipheriv, publicEncrypt, privateDecrypt, timingSafeEqual, constants, type KeyObject } from 'node:crypto';

/**
 * The PRT session key in use (entra-mde2.md §6.4–§6.7, MS-OAPXBC): the KDF that turns the session key and a
 * context into a signing/encryption key, the HS256 requests a device signs with it, the `dir` JWE replies Entra
 * encrypts with it, and the `session_key_jwe` that delivers it. Both the device (inside its TPM) and Entra use
 * this module; randomness (ctx, IVs) is the caller's, so each party draws it from the lab.
 */

const LABEL = Buffer.from('AzureAD-SecureConversation', 'ascii');

/** SP 800-108 KBKDF, counter mode, HMAC-SHA256, one 256-bit block: counter=1 ‖ label ‖ 0x00 ‖ context ‖ L=256 (§6.5). */
export function kbkdfHmacSha256(key: Buffer, context: Buffer): Buffer {
  const counter = Buffer.from([0, 0, 0, 1]);
  const bits = Buffer.from([0, 0, 1, 0]);
  return createHmac('sha256', key).update(Buffer.concat([counter, LABEL, Buffer.from([0]), context, bits])).digest();
}

/** KDFv1: the context is the random ctx itself (§6.5). */
export function kdfV1(sessionKey: Buffer, ctx: Buffer): Buffer {
  return kbkdfHmacSha256(sessionKey, ctx);
}

/** KDFv2 (`kdf_ver: 2`): the context is SHA256(ctx ‖ the JWT payload bytes, i.e. the decoded middle segment) (§6.5). */
export function kdfV2(sessionKey: Buffer, ctx: Buffer, payloadBytes: Buffer): Buffer {
  return kbkdfHmacSha256(sessionKey, createHash('sha256').update(ctx).update(payloadBytes).digest());
}

/** Header `ctx` is standard base64 with padding (PROTOCOL.md); accept the URL alphabet too when reading. */
export function encodeCtx(ctx: Buffer): string {
  return ctx.toString('base64');
}

export function decodeCtx(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function jsonSegment(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');
}

export type KdfVersion = 1 | 2;

/** Sign a request payload with the session key: HS256 over `header.payload`, header `ctx` and `kdf_ver` (§6.6). */
export function signWithSessionKey(
  payload: Record<string, unknown> | string,
  sessionKey: Buffer,
  opts: { ctx: Buffer; kdfVer: KdfVersion },
): string {
  const header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT', ctx: encodeCtx(opts.ctx) };
  if (opts.kdfVer === 2) header.kdf_ver = 2;
  const h = jsonSegment(header);
  const p = jsonSegment(payload);
  const key = opts.kdfVer === 2 ? kdfV2(sessionKey, opts.ctx, Buffer.from(p, 'base64url')) : kdfV1(sessionKey, opts.ctx);
  const sig = createHmac('sha256', key).update(`${h}.${p}`).digest('base64url');
  return `${h}.${p}.${sig}`;
}

export interface SessionKeySignedRequest {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  ctx: Buffer;
  kdfVer: KdfVersion;
  /** The segments exactly as sent: the HMAC is checked over these, never over a re-encoding. */
  segments: [string, string, string];
}

/** Split and decode an HS256 session-key request without trusting it; null if it is not one. */
export function decodeSessionKeySigned(jws: string): SessionKeySignedRequest | null {
  const parts = jws.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as unknown;
    if (!isRecord(header) || !isRecord(payload) || header.alg !== 'HS256' || typeof header.ctx !== 'string') return null;
    const ctx = decodeCtx(header.ctx);
    if (ctx.length === 0) return null;
    const kdfVer: KdfVersion = header.kdf_ver === 2 || header.kdf_ver === '2' ? 2 : 1;
    return { header, payload, ctx, kdfVer, segments: [h, p, s] };
  } catch {
    return null;
  }
}

/** Check the HMAC with the key the header's kdf_ver says, over the segments as sent (PROTOCOL.md quirks). */
export function verifySessionKeySignature(req: SessionKeySignedRequest, sessionKey: Buffer): boolean {
  const [h, p, s] = req.segments;
  const key = req.kdfVer === 2 ? kdfV2(sessionKey, req.ctx, Buffer.from(p, 'base64url')) : kdfV1(sessionKey, req.ctx);
  const expected = createHmac('sha256', key).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Encrypt a reply with the session key (§6.7): compact JWE, `alg: dir`, empty encrypted-key part, header `ctx`,
 * key = KDFv1(sessionKey, ctx), AES-256-CBC with PKCS#7 and a 16-byte IV, empty tag. Entra labels it
 * `enc: A256GCM` although the body is CBC; clients decide by the IV length, so the label is kept as observed.
 */
export function encryptWithSessionKey(plaintext: Buffer | string, sessionKey: Buffer, opts: { ctx: Buffer; iv: Buffer }): string {
  if (opts.iv.length !== 16) throw new RangeError('the CBC reply form needs a 16-byte IV');
  const header = { alg: 'dir', enc: 'A256GCM', ctx: encodeCtx(opts.ctx) };
  const cipher = createCipheriv('aes-256-cbc', kdfV1(sessionKey, opts.ctx), opts.iv);
  const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
  return `${jsonSegment(header)}..${opts.iv.toString('base64url')}.${body.toString('base64url')}.`;
}

/** Decrypt a session-key reply: a 16-byte IV means AES-256-CBC, a 12-byte IV real AES-256-GCM with the header as AAD (§6.7). */
export function decryptWithSessionKey(jwe: string, sessionKey: Buffer): Buffer {
  return decryptDirJwe(jwe, (ctx) => kdfV1(sessionKey, ctx));
}

/**
 * The same reply with the derived key made elsewhere (`derive` gets the header's ctx): inside a TPM, whose session
 * key never leaves it (device/tpm/derived-key.ts runs the KDF as TPM2_HMAC).
 */
export function decryptDirJwe(jwe: string, derive: (ctx: Buffer) => Buffer): Buffer {
  const parts = jwe.split('.');
  if (parts.length !== 5) throw new Error('not a compact JWE (5 parts)');
  const [h, , ivB64, ctB64, tagB64] = parts as [string, string, string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as unknown;
  if (!isRecord(header) || header.alg !== 'dir' || typeof header.ctx !== 'string') throw new Error('not a session-key JWE (alg dir with ctx)');
  const key = derive(decodeCtx(header.ctx));
  const iv = Buffer.from(ivB64, 'base64url');
  const ct = Buffer.from(ctB64, 'base64url');
  if (iv.length === 16) {
    const d = createDecipheriv('aes-256-cbc', key, iv);
    return Buffer.concat([d.update(ct), d.final()]);
  }
  if (iv.length === 12) {
    const d = createDecipheriv('aes-256-gcm', key, iv);
    d.setAAD(Buffer.from(h, 'ascii'));
    d.setAuthTag(Buffer.from(tagB64, 'base64url'));
    return Buffer.concat([d.update(ct), d.final()]);
  }
  throw new Error(`unexpected IV length ${iv.length}`);
}

/**
 * `session_key_jwe` (§6.4): header {enc: A256GCM, alg: RSA-OAEP}; part 2 = RSA-OAEP-SHA1 of the 32-byte session
 * key under the device's transport key; parts 3–5 = AES-256-GCM of one byte 0x20 with an EMPTY AAD, as the
 * captured sample has it (clients only unwrap part 2).
 */
export function sessionKeyJwe(sessionKey: Buffer, transportKey: KeyObject, iv: Buffer, oaepSeed?: Buffer): string {
  if (sessionKey.length !== 32) throw new RangeError('the PRT session key is 32 bytes');
  const header = { enc: 'A256GCM', alg: 'RSA-OAEP' };
  const wrapped = oaepSeed
    ? publicEncrypt({ key: transportKey, padding: constants.RSA_NO_PADDING }, emeOaepSha1(sessionKey, oaepSeed, modulusBytes(transportKey)))
    : publicEncrypt({ key: transportKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, sessionKey);
  const gcm = createCipheriv('aes-256-gcm', sessionKey, iv);
  const ct = Buffer.concat([gcm.update(Buffer.from([0x20])), gcm.final()]);
  return [jsonSegment(header), wrapped.toString('base64url'), iv.toString('base64url'), ct.toString('base64url'), gcm.getAuthTag().toString('base64url')].join('.');
}

function modulusBytes(key: KeyObject): number {
  return Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 2048) / 8);
}

/** MGF1 with SHA-1 (RFC 8017 B.2.1). */
function mgf1Sha1(seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  for (let counter = 0; out.length * 20 < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    out.push(createHash('sha1').update(seed).update(c).digest());
  }
  return Buffer.concat(out).subarray(0, length);
}

/**
 * EME-OAEP encoding with SHA-1 and an empty label (RFC 8017 §7.1.1 step 2) from a caller-given seed: the same
 * padding node's RSA_PKCS1_OAEP_PADDING makes, but reproducible, so a seeded lab run is byte-identical.
 */
export function emeOaepSha1(message: Buffer, seed: Buffer, k: number): Buffer {
  const hLen = 20;
  if (seed.length !== hLen) throw new RangeError('the OAEP seed is 20 bytes for SHA-1');
  if (message.length > k - 2 * hLen - 2) throw new RangeError('message too long for OAEP');
  const lHash = createHash('sha1').update(Buffer.alloc(0)).digest();
  const db = Buffer.concat([lHash, Buffer.alloc(k - message.length - 2 * hLen - 2), Buffer.from([1]), message]);
  const dbMask = mgf1Sha1(seed, db.length);
  const maskedDb = Buffer.from(db.map((b, i) => b ^ dbMask[i]!));
  const seedMask = mgf1Sha1(maskedDb, hLen);
  const maskedSeed = Buffer.from(seed.map((b, i) => b ^ seedMask[i]!));
  return Buffer.concat([Buffer.from([0]), maskedSeed, maskedDb]);
}

/** The RSA-OAEP-wrapped session key of a `session_key_jwe` (part 2), for a TPM to decrypt. */
export function wrappedSessionKey(jwe: string): Buffer {
  const parts = jwe.split('.');
  if (parts.length !== 5) throw new Error('session_key_jwe is not a compact JWE');
  return Buffer.from(parts[1]!, 'base64url');
}

/** Unwrap with the transport private key: RSA-OAEP-SHA1, truncated to 32 bytes (libhimmelblau, §6.4). */
export function unwrapSessionKeyJwe(jwe: string, transportPrivateKey: KeyObject): Buffer {
  const raw = privateDecrypt({ key: transportPrivateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, wrappedSessionKey(jwe));
  return raw.subarray(0, 32);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
