import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

/**
 * Seal / unseal under a storage key: AES-256-GCM, 12-byte nonce, 16-byte tag (hsm-crypto `seal_data`,
 * reference/entra-mde2.md §10), with the object's handle as AAD so that a blob cannot be swapped onto another
 * handle. The nonce is synthetic (HMAC of the AAD and plaintext under the storage key, as in SIV): a seeded run
 * seals byte-identically, and a step back that re-seals different bytes can never reuse a nonce.
 */
export function seal(storageKey: Buffer, plaintext: Buffer, aad: string): Buffer {
  const nonce = createHmac('sha256', storageKey).update(aad).update('\0').update(plaintext).digest().subarray(0, 12);
  const c = createCipheriv('aes-256-gcm', storageKey, nonce);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([nonce, c.getAuthTag(), ct]);
}

export function unseal(storageKey: Buffer, blob: Buffer, aad: string): Buffer {
  if (blob.length < 28) throw new Error('sealed blob too short');
  const d = createDecipheriv('aes-256-gcm', storageKey, blob.subarray(0, 12));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(blob.subarray(12, 28));
  return Buffer.concat([d.update(blob.subarray(28)), d.final()]);
}
