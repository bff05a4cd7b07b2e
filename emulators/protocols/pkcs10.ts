import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { DerError, decodeOid, readTlv, tlvBytes, tlvChildren, tlvContent, type Tlv } from './der.js';
import { publicKeyOfSpki } from './rsa-key-der.js';

/**
 * PKCS#10 certification requests as real Windows sends them (fleet.md §1.5, TOOLCHAIN.md): a tolerant reader
 * (Fleet's ParseCertificateRequestFromWindowsDevice) that keeps the exact bytes, so that the signature is checked
 * over the CertificationRequestInfo exactly as signed, including the OIW sha1WithRSA OID 1.3.14.3.2.29 that
 * @peculiar/x509 and pkijs cannot verify, and a subject CN that ends in a NUL byte. DER itself is der.ts.
 */

export class CsrError extends Error {
  override name = 'CsrError';
}

// ---------------------------------------------------------------------------------------------------------------
// PKCS#10

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha1WithRSA: '1.2.840.113549.1.1.5',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  /** OIW sha1WithRSASignature, still used by Windows' enrollment client. */
  oiwSha1WithRSA: '1.3.14.3.2.29',
  extensionRequest: '1.2.840.113549.1.9.14',
  commonName: '2.5.4.3',
  organizationalUnit: '2.5.4.11',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  subjectAltName: '2.5.29.17',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  /** Windows' device identifier extension in MDM CSRs: the hex id plus NUL, as raw bytes. */
  windowsDeviceId: '1.3.6.1.4.1.311.66.1.0',
} as const;

/** Signature algorithm OID → node hash name (RSASSA-PKCS1-v1_5). */
const RSA_SIGNATURE_HASH: Record<string, string> = {
  [OID.sha1WithRSA]: 'sha1',
  [OID.oiwSha1WithRSA]: 'sha1',
  [OID.sha256WithRSA]: 'sha256',
  [OID.sha384WithRSA]: 'sha384',
  [OID.sha512WithRSA]: 'sha512',
};

export interface NameAttribute {
  oid: string;
  /** The value as text (latin1 for PrintableString/IA5, utf8 for UTF8String, UCS-2 for BMPString). */
  value: string;
  tag: number;
}

export interface CsrExtension {
  oid: string;
  critical: boolean;
  /** The extnValue OCTET STRING's content. */
  value: Buffer;
  /** The whole Extension SEQUENCE as it was sent. */
  der: Buffer;
}

export interface ParsedCsr {
  der: Buffer;
  /** The CertificationRequestInfo bytes exactly as signed. */
  tbs: Buffer;
  signatureAlgorithm: string;
  signature: Buffer;
  spki: Buffer;
  publicKey: KeyObject;
  publicKeyAlgorithm: string;
  subject: NameAttribute[];
  /** The subject's first CN, as sent (a Windows CN may end in NUL). */
  commonName: string;
  extensions: CsrExtension[];
}

function nameAttributes(buf: Buffer, name: Tlv): NameAttribute[] {
  const out: NameAttribute[] = [];
  for (const rdn of tlvChildren(buf, name)) {
    for (const atv of tlvChildren(buf, rdn)) {
      const [type, value] = tlvChildren(buf, atv);
      if (!type || !value || type.tag !== 0x06) throw new CsrError('invalid subject');
      const content = tlvContent(buf, value);
      const text = value.tag === 0x0c ? content.toString('utf8') : value.tag === 0x1e ? content.swap16().toString('utf16le') : content.toString('latin1');
      out.push({ oid: decodeOid(tlvContent(buf, type)), value: text, tag: value.tag });
    }
  }
  return out;
}

function extensionsOf(buf: Buffer, attributes: Tlv | undefined): CsrExtension[] {
  if (!attributes) return [];
  const out: CsrExtension[] = [];
  for (const attribute of tlvChildren(buf, attributes)) {
    const [type, values] = tlvChildren(buf, attribute);
    if (!type || !values || decodeOid(tlvContent(buf, type)) !== OID.extensionRequest) continue;
    for (const exts of tlvChildren(buf, values)) {
      for (const ext of tlvChildren(buf, exts)) {
        const parts = tlvChildren(buf, ext);
        const id = parts[0];
        const last = parts[parts.length - 1];
        if (!id || !last || id.tag !== 0x06 || last.tag !== 0x04) throw new CsrError('invalid extension request');
        const crit = parts.length === 3 && parts[1]!.tag === 0x01 && buf[parts[1]!.contentStart] !== 0;
        out.push({ oid: decodeOid(tlvContent(buf, id)), critical: crit, value: Buffer.from(tlvContent(buf, last)), der: Buffer.from(tlvBytes(buf, ext)) });
      }
    }
  }
  return out;
}

/** Parse a DER PKCS#10 request (RFC 2986 §4); throws CsrError when it is not one. Does not verify: call verifyCsr. */
export function parseCsr(input: Buffer): ParsedCsr {
  try {
    return readCsr(input);
  } catch (e) {
    throw e instanceof DerError ? new CsrError(e.message) : e;
  }
}

function readCsr(input: Buffer): ParsedCsr {
  const der = Buffer.from(input);
  const outer = readTlv(der, 0);
  if (outer.tag !== 0x30 || outer.end !== der.length) throw new CsrError('not a DER SEQUENCE');
  const [info, alg, sig] = tlvChildren(der, outer);
  if (!info || !alg || !sig || info.tag !== 0x30 || alg.tag !== 0x30 || sig.tag !== 0x03) throw new CsrError('not a certification request');
  const [version, subject, spki, attributes] = tlvChildren(der, info);
  if (!version || version.tag !== 0x02 || !subject || subject.tag !== 0x30 || !spki || spki.tag !== 0x30) {
    throw new CsrError('invalid certification request info');
  }
  if (attributes && attributes.tag !== 0xa0) throw new CsrError('invalid attributes');
  const algOid = tlvChildren(der, alg)[0];
  if (!algOid || algOid.tag !== 0x06) throw new CsrError('invalid signature algorithm');
  const spkiDer = Buffer.from(tlvBytes(der, spki));
  const keyAlg = tlvChildren(der, tlvChildren(der, spki)[0] ?? spki)[0];
  let publicKey: KeyObject;
  try {
    publicKey = publicKeyOfSpki(spkiDer);
  } catch (e) {
    throw new CsrError(`invalid public key: ${(e as Error).message}`);
  }
  const sigContent = tlvContent(der, sig);
  const subjectAttrs = nameAttributes(der, subject);
  return {
    der,
    tbs: Buffer.from(tlvBytes(der, info)),
    signatureAlgorithm: decodeOid(tlvContent(der, algOid)),
    signature: Buffer.from(sigContent.subarray(1)),
    spki: spkiDer,
    publicKey,
    publicKeyAlgorithm: keyAlg && keyAlg.tag === 0x06 ? decodeOid(tlvContent(der, keyAlg)) : '',
    subject: subjectAttrs,
    commonName: subjectAttrs.find((a) => a.oid === OID.commonName)?.value ?? '',
    extensions: extensionsOf(der, attributes),
  };
}

/** Verify the request's self-signature over the exact CertificationRequestInfo bytes; throws CsrError on failure. */
export function verifyCsr(csr: ParsedCsr): void {
  const hash = RSA_SIGNATURE_HASH[csr.signatureAlgorithm];
  if (!hash || csr.publicKeyAlgorithm !== OID.rsaEncryption) {
    throw new CsrError(`unsupported signature algorithm ${csr.signatureAlgorithm}`);
  }
  if (!cryptoVerify(hash, csr.tbs, csr.publicKey, csr.signature)) throw new CsrError('crypto/rsa: verification error');
}

/** A CN without the trailing NUL Windows puts there (TOOLCHAIN.md: strip it when a subject is rebuilt). */
export function stripNul(s: string): string {
  return s.replace(/\0+$/, '');
}
