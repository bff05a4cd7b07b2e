import { describe, it, expect, beforeAll } from 'vitest';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { parseCsr, verifyCsr, stripNul, CsrError, OID } from '../../../../emulators/protocols/pkcs10.js';
import { makeWindowsCsr, withBadSignature, WINDOWS_DEVICE_ID_EXT } from '../../../helpers/windows-csr.js';

let keys: { privateKey: KeyObject; publicKey: KeyObject };
beforeAll(() => {
  keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
});

describe('PKCS#10 as real Windows sends it', () => {
  it('parses an OIW-signed (1.3.14.3.2.29) CSR made with node-forge whose CN ends in a NUL byte, and verifies it', () => {
    const made = makeWindowsCsr({ keys });
    const csr = parseCsr(made.der);
    expect(csr.signatureAlgorithm).toBe(OID.oiwSha1WithRSA);
    expect(csr.commonName).toBe(made.cn);
    expect(csr.commonName.endsWith('\0')).toBe(true);
    expect(csr.subject[0]!.tag).toBe(0x13);
    expect(stripNul(csr.commonName)).toBe(`B1C43CD0-1624-5FBB-8E54-34CF17DFD3A1!${made.hex}`);
    expect(() => verifyCsr(csr)).not.toThrow();
  });

  it('carries extension 1.3.6.1.4.1.311.66.1.0 with the hex id plus NUL as raw bytes, and EKU clientAuth', () => {
    const made = makeWindowsCsr({ keys });
    const csr = parseCsr(made.der);
    expect(csr.extensions.map((e) => e.oid)).toEqual([OID.extKeyUsage, WINDOWS_DEVICE_ID_EXT]);
    expect(csr.extensions[1]!.value.toString('latin1')).toBe(`${made.hex}\0`);
  });

  it('verifies a sha256WithRSA CSR too', () => {
    const csr = parseCsr(makeWindowsCsr({ keys, oiw: false }).der);
    expect(csr.signatureAlgorithm).toBe(OID.sha256WithRSA);
    expect(() => verifyCsr(csr)).not.toThrow();
  });

  it('rejects a CSR whose signature does not match (one flipped bit)', () => {
    const csr = parseCsr(withBadSignature(makeWindowsCsr({ keys }).der));
    expect(() => verifyCsr(csr)).toThrow('crypto/rsa: verification error');
  });

  it('rejects a CSR whose signed info was changed after signing', () => {
    const der = Buffer.from(makeWindowsCsr({ keys }).der);
    const at = der.indexOf(Buffer.from('B1C43CD0', 'latin1'));
    der[at] = 'C'.charCodeAt(0);
    expect(() => verifyCsr(parseCsr(der))).toThrow(CsrError);
  });

  it('rejects bytes that are not a certification request', () => {
    expect(() => parseCsr(Buffer.from('hello'))).toThrow(CsrError);
    expect(() => parseCsr(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]))).toThrow(CsrError);
  });
});
