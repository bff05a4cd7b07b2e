import { createHash } from 'node:crypto';
import type { SyncMLCred, SyncMLMeta } from './syncml.js';

/**
 * OMA-DM MD5 digest authentication (OMA-DM 1.2 security §5.3; fleet.md §2.10), the one place both parties compute
 * it: the device signs its SyncHdr Cred, the server stores MD5(name:secret) at enrollment and checks the digest.
 */

/** Cred/Chal Meta values Fleet requires (syncml.AuthMD5 / syncml.AuthB64Format). */
export const AUTH_MD5 = 'syncml:auth-md5';
export const AUTH_B64 = 'b64';

function md5(data: string | Buffer): Buffer {
  return createHash('md5').update(data).digest();
}

/** MD5("name:secret"): the 16 bytes Fleet stores as `credentials_hash`. */
export function credentialsHash(name: string, secret: string): Buffer {
  return md5(`${name}:${secret}`);
}

/** What the server expects in Cred/Data: base64(MD5(base64(credentials_hash) + ":" + nonce)). */
export function digestFromHash(hash: Buffer, nonce: string): string {
  return md5(`${hash.toString('base64')}:${nonce}`).toString('base64');
}

/** The client side: base64(MD5(base64(MD5(name:secret)) + ":" + nonce)); `nonce` is NextNonce base64-decoded. */
export function clientDigest(name: string, secret: string, nonce: string): string {
  return digestFromHash(credentialsHash(name, secret), nonce);
}

/** The SyncHdr Cred a client sends. */
export function md5Cred(name: string, secret: string, nonce: string): SyncMLCred {
  return { type: AUTH_MD5, format: AUTH_B64, data: clientDigest(name, secret, nonce) };
}

/** NextNonce travels base64 (format b64); the digest uses the decoded value. */
export function decodeNextNonce(nextNonce: string): string {
  return Buffer.from(nextNonce, 'base64').toString('utf8');
}

/** The server's challenge (Status Chal/Meta): MD5 auth, b64 format, NextNonce = base64 of the raw nonce. */
export function md5Challenge(nonce: string): SyncMLMeta {
  return { type: AUTH_MD5, format: AUTH_B64, nextNonce: Buffer.from(nonce, 'utf8').toString('base64') };
}
