import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { pkcs8Der, privateKeyOfPkcs8, publicKeyOfSpki, spkiDer } from '../../../../emulators/protocols/rsa-key-der.js';

const rsa = (bits: number, publicExponent = 65537) => generateKeyPairSync('rsa', { modulusLength: bits, publicExponent });
const keys = [rsa(2048), rsa(1024), rsa(2048, 3), rsa(1032)];
const nodeSpki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
const nodePkcs8 = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'der' });

/** What node answers for the same bytes: the key's SPKI, or the error it throws. */
function nodeImport(der: Buffer, kind: 'spki' | 'pkcs8'): { spki: string } | { error: string } {
  try {
    const k = kind === 'spki' ? createPublicKey({ key: der, format: 'der', type: 'spki' }) : createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return { spki: nodeSpki(k).toString('hex') };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
function ourImport(der: Buffer, kind: 'spki' | 'pkcs8'): { spki: string } | { error: string } {
  try {
    return { spki: nodeSpki(kind === 'spki' ? publicKeyOfSpki(der) : privateKeyOfPkcs8(der)).toString('hex') };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('RSA keys in DER by way of JWK', () => {
  it('writes the SPKI and PKCS#8 bytes node writes, for 1024- to 2048-bit keys and e = 3 or 65537', () => {
    for (const { privateKey, publicKey } of keys) {
      expect(spkiDer(publicKey).equals(nodeSpki(publicKey))).toBe(true);
      expect(spkiDer(privateKey).equals(nodeSpki(publicKey))).toBe(true);
      expect(pkcs8Der(privateKey).equals(nodePkcs8(privateKey))).toBe(true);
    }
  });

  it('reads them back as the same keys: the public key verifies what the private key read back signs', () => {
    for (const { privateKey, publicKey } of keys) {
      const pub = publicKeyOfSpki(nodeSpki(publicKey));
      const priv = privateKeyOfPkcs8(nodePkcs8(privateKey));
      expect(nodeSpki(pub).equals(nodeSpki(publicKey))).toBe(true);
      expect(verify('sha256', Buffer.from('m'), pub, sign('sha256', Buffer.from('m'), priv))).toBe(true);
      expect(verify('sha256', Buffer.from('m'), publicKey, sign('sha256', Buffer.from('m'), priv))).toBe(true);
    }
  });

  it('leaves a key that is not RSA to node: an EC key exports as node exports it', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(spkiDer(publicKey).equals(nodeSpki(publicKey))).toBe(true);
    expect(pkcs8Der(privateKey).equals(nodePkcs8(privateKey))).toBe(true);
    expect(nodeSpki(publicKeyOfSpki(nodeSpki(publicKey))).equals(nodeSpki(publicKey))).toBe(true);
  });

  it('answers a non-canonical encoding as node does: a long-form length where the short form fits', () => {
    const spki = nodeSpki(keys[0]!.publicKey);
    // The AlgorithmIdentifier's length 0x0d written as 81 0d, the outer length grown by one byte to match.
    const len = spki.readUInt16BE(2) + 1;
    const bent = Buffer.concat([Buffer.from([0x30, 0x82, len >> 8, len & 0xff, 0x30, 0x81, 0x0d]), spki.subarray(6)]);
    expect(ourImport(bent, 'spki')).toEqual(nodeImport(bent, 'spki'));
  });

  it('answers any bytes of a damaged SPKI or PKCS#8 as node does: the same key or the same error', () => {
    const spki = nodeSpki(keys[1]!.publicKey);
    const pkcs8 = nodePkcs8(keys[1]!.privateKey);
    fc.assert(
      fc.property(fc.constantFrom<['spki' | 'pkcs8', Buffer]>(['spki', spki], ['pkcs8', pkcs8]), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat({ max: 3 }), ([kind, der], at, byte, cut) => {
        const bent = Buffer.from(der);
        bent[at % bent.length] = byte;
        const input = bent.subarray(0, bent.length - cut);
        expect(ourImport(input, kind)).toEqual(nodeImport(input, kind));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});
