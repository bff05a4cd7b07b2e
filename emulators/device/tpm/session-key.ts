import { privateDecrypt, constants, type KeyObject } from 'node:crypto';
import { decryptWithSessionKey, signWithSessionKey, wrappedSessionKey } from '../../protocols/prt-kdf.js';

/**
 * The PRT session-key operations the TPM runs inside its boundary (MS-OAPXBC 3.2.5.1.2–3.2.5.1.3,
 * reference/entra-mde2.md §6.4–§6.7), on the shared codec emulators/protocols/prt-kdf.ts. Every function gets the
 * raw session key from the TPM for one call only.
 */

/** session_key_jwe: RSA-OAEP (SHA-1, JOSE `RSA-OAEP`) of a 32-byte key in the encrypted-key part (§6.4). */
export function unwrapSessionKeyJwe(transportKey: KeyObject, jwe: string): Buffer {
  const header = JSON.parse(Buffer.from(jwe.split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg?: string };
  if (header.alg !== 'RSA-OAEP') throw new Error(`session_key_jwe alg ${String(header.alg)} is not RSA-OAEP`);
  const plain = privateDecrypt({ key: transportKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, wrappedSessionKey(jwe));
  if (plain.length < 32) throw new Error('session key shorter than 32 bytes');
  // libhimmelblau truncates to 32 bytes (msoapxbc_rsa_decipher_session_key(…, 32)).
  const key = Buffer.from(plain.subarray(0, 32));
  plain.fill(0);
  return key;
}

/** An HS256 JWT signed with KDF(sessionKey, ctx) (KDFv1) or KDF(sessionKey, SHA256(ctx ‖ payload)) (KDFv2). */
export function sessionKeySignJwt(sessionKey: Buffer, ctx: Buffer, payload: Record<string, unknown>, kdfVer: 1 | 2): string {
  return signWithSessionKey(payload, sessionKey, { ctx, kdfVer });
}

/** A session-key-encrypted reply (alg dir; CBC for a 16-byte IV, GCM for a 12-byte one) (§6.7). */
export function sessionKeyDecryptJwe(sessionKey: Buffer, jwe: string): string {
  return decryptWithSessionKey(jwe, sessionKey).toString('utf8');
}
