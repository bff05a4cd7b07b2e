import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, type KeyObject, type webcrypto } from 'node:crypto';

// @peculiar/x509 2.x needs reflect-metadata loaded first and a WebCrypto provider (TOOLCHAIN.md).
x509.cryptoProvider.set(globalThis.crypto);

export { x509 };

export const RSA_SHA256: webcrypto.RsaHashedImportParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

/** Node KeyObject → WebCrypto CryptoKey, for @peculiar/x509 signing and verifying. */
export async function toCryptoKeys(pair: { privateKey: KeyObject; publicKey: KeyObject }): Promise<webcrypto.CryptoKeyPair> {
  const subtle = globalThis.crypto.subtle;
  const privateKey = await subtle.importKey('pkcs8', pair.privateKey.export({ type: 'pkcs8', format: 'der' }), RSA_SHA256, false, ['sign']);
  const publicKey = await subtle.importKey('spki', pair.publicKey.export({ type: 'spki', format: 'der' }), RSA_SHA256, true, ['verify']);
  return { privateKey, publicKey };
}

/** Upper-case hex SHA-1 of a DER certificate: the "thumbprint" Windows and Fleet use (CertFingerprintHexStr). */
export function thumbprint(der: ArrayBuffer | Uint8Array): string {
  return createHash('sha1').update(new Uint8Array(der)).digest('hex').toUpperCase();
}

/** A positive serial as hex whose first byte is 01–7f (a leading 00 makes an INTEGER OpenSSL refuses). */
export function serialHex(n: number | bigint): string {
  let h = BigInt(n).toString(16);
  if (h.length % 2) h = `0${h}`;
  return parseInt(h.slice(0, 2), 16) >= 0x80 ? `01${h}` : h;
}
