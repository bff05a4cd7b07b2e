import { constants, createDecipheriv, createHmac, privateDecrypt, type KeyObject } from 'node:crypto';
import { kdfV1, kdfV2Context } from './kdf.js';

/**
 * The PRT session-key operations the TPM runs inside its boundary (MS-OAPXBC 3.2.5.1.2–3.2.5.1.3,
 * reference/entra-mde2.md §6.4–§6.7). Every function gets the raw session key from the TPM for one call only.
 */

/** session_key_jwe: RSA-OAEP (SHA-1, JOSE `RSA-OAEP`) of a 32-byte key in the encrypted-key part (§6.4). */
export function unwrapSessionKeyJwe(transportKey: KeyObject, jwe: string): Buffer {
  const parts = jwe.split('.');
  if (parts.length !== 5) throw new Error('session_key_jwe is not a compact JWE');
  const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg?: string };
  if (header.alg !== 'RSA-OAEP') throw new Error(`session_key_jwe alg ${String(header.alg)} is not RSA-OAEP`);
  const plain = privateDecrypt({ key: transportKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(parts[1]!, 'base64url'));
  if (plain.length < 32) throw new Error('session key shorter than 32 bytes');
  // libhimmelblau truncates to 32 bytes (msoapxbc_rsa_decipher_session_key(…, 32)).
  const key = Buffer.from(plain.subarray(0, 32));
  plain.fill(0);
  return key;
}

/** An HS256 JWT signed with KDF(sessionKey, ctx) (KDFv1) or KDF(sessionKey, SHA256(ctx ‖ payload)) (KDFv2). */
export function sessionKeySignJwt(sessionKey: Buffer, ctx: Buffer, payload: Record<string, unknown>, kdfVer: 1 | 2): string {
  const header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT', ctx: ctx.toString('base64') };
  if (kdfVer === 2) header.kdf_ver = 2;
  const payloadJson = Buffer.from(JSON.stringify(payload), 'utf8');
  const input = `${Buffer.from(JSON.stringify(header), 'utf8').toString('base64url')}.${payloadJson.toString('base64url')}`;
  const derived = kdfV1(sessionKey, kdfVer === 2 ? kdfV2Context(ctx, payloadJson) : ctx);
  try {
    return `${input}.${createHmac('sha256', derived).update(input, 'ascii').digest('base64url')}`;
  } finally {
    derived.fill(0);
  }
}

/**
 * A session-key-encrypted reply: compact JWE, `alg: dir`, `ctx` in the header, key = KDFv1(sessionKey, ctx);
 * AES-256-CBC for a 16-byte IV, AES-256-GCM (AAD = the protected header segment) for a 12-byte one (§6.7).
 */
export function sessionKeyDecryptJwe(sessionKey: Buffer, jwe: string): string {
  const parts = jwe.split('.');
  if (parts.length !== 5) throw new Error('session-key reply is not a compact JWE');
  const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg?: string; ctx?: string };
  if (header.alg !== 'dir' || typeof header.ctx !== 'string') throw new Error('session-key reply must be alg dir with a ctx');
  const derived = kdfV1(sessionKey, Buffer.from(header.ctx, 'base64'));
  const iv = Buffer.from(parts[2]!, 'base64url');
  const ct = Buffer.from(parts[3]!, 'base64url');
  try {
    if (iv.length === 16) {
      const d = createDecipheriv('aes-256-cbc', derived, iv);
      return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
    }
    if (iv.length === 12) {
      const d = createDecipheriv('aes-256-gcm', derived, iv);
      d.setAAD(Buffer.from(parts[0]!, 'ascii'));
      d.setAuthTag(Buffer.from(parts[4]!, 'base64url'));
      return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
    }
    throw new Error(`session-key reply IV of ${iv.length} bytes`);
  } finally {
    derived.fill(0);
  }
}

