import { createHash, sign as cryptoSign, X509Certificate } from 'node:crypto';
import { DEVICE_CERT_OIDS, guidToBytes } from '../../protocols/drs.js';
import { OID } from '../../protocols/pkcs10.js';
import { derBitString, derBool, derExplicit, derNull, derOctets, derOid, derSeq, derTime, derTlv, derUint, derDirectoryString, derSet, readTlv, tlvBytes, tlvChildren, tlvContent } from '../../protocols/der.js';
import { LIFETIMES, type EntraContext } from '../context.js';
import { loadKey } from '../keys.js';

export interface DeviceCertFacts {
  deviceId: string;
  userObjectId: string;
  tenantId: string;
  /** The request's JoinType; the certificate says "0" registered / "1" joined (AADInternals mapping). */
  joinType: number;
  region: string;
}

export interface IssuedDeviceCert {
  der: Buffer;
  /** Hex, as the certificate carries it (no leading 00). */
  serialNumber: string;
}

/** The raw subject Name and the subject public key bits of a DER certificate (the issuer's, for the child). */
function issuerParts(certDer: Buffer): { subject: Buffer; publicKeyBits: Buffer; skid: Buffer | null } {
  const tbs = tlvChildren(certDer, readTlv(certDer, 0))[0]!;
  const f = tlvChildren(certDer, tbs);
  const o = f[0]!.tag === 0xa0 ? 1 : 0;
  const spki = tlvChildren(certDer, f[o + 5]!);
  const bits = tlvContent(certDer, spki[1]!).subarray(1);
  let skid: Buffer | null = null;
  const exts = f.find((t) => t.tag === 0xa3);
  if (exts) {
    for (const ext of tlvChildren(certDer, tlvChildren(certDer, exts)[0]!)) {
      const parts = tlvChildren(certDer, ext);
      if (parts[0]!.tag === 0x06 && tlvContent(certDer, parts[0]!).equals(tlvContent(derOid('2.5.29.14'), readTlv(derOid('2.5.29.14'), 0)))) {
        const v = tlvContent(certDer, parts[parts.length - 1]!);
        skid = Buffer.from(tlvContent(v, readTlv(v, 0)));
      }
    }
  }
  return { subject: Buffer.from(tlvBytes(certDer, f[o + 4]!)), publicKeyBits: Buffer.from(bits), skid };
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return derSeq(derOid(oid), ...(critical ? [derBool(true)] : []), derOctets(value));
}

/**
 * The device certificate (entra-mde2.md §3.4): subject CN=<deviceId>, issuer MS-Organization-Access (its subject
 * bytes as the CA certificate has them), the CSR's public key, the 1.2.840.113556.1.5.284.* extensions, each an
 * OCTET STRING around the value. Validity, EKU and key usage are UNCONFIRMED: clientAuth, 10 years. Built with DER
 * writers and node's RSA signer (RFC 5280 §4.1): synchronous, and no ASN.1 object model per join under load.
 */
export function issueDeviceCertificate(ctx: EntraContext, spki: Buffer, facts: DeviceCertFacts): IssuedDeviceCert {
  const ca = loadKey(ctx, 'device-ca');
  const now = ctx.lab.clock.now();
  const serialNumber = `1${ctx.lab.ids.hex(15).slice(1)}`;
  const issuer = issuerParts(ca.certDer);
  // RFC 5280 §4.2.1.1: the issuer's SubjectKeyIdentifier, or its method (1): SHA-1 of the subjectPublicKey bits.
  const akid = issuer.skid ?? createHash('sha1').update(issuer.publicKeyBits).digest();
  const sigAlg = derSeq(derOid(OID.sha256WithRSA), derNull());
  const wrapped = (value: Buffer) => derOctets(value);
  const tbs = derSeq(
    derExplicit(0, derUint(2n)),
    derUint(BigInt(`0x${serialNumber}`)),
    sigAlg,
    issuer.subject,
    derSeq(derTime(new Date(Math.floor((now - 5 * 60_000) / 1000) * 1000)), derTime(new Date(Math.floor((now + LIFETIMES.deviceCertYears * 365 * 24 * 3600_000) / 1000) * 1000))),
    derSeq(derSet(derSeq(derOid(OID.commonName), derDirectoryString(facts.deviceId)))),
    spki,
    derExplicit(
      3,
      derSeq(
        // digitalSignature | keyEncipherment (bits 0 and 2), critical.
        extension(OID.keyUsage, true, derBitString(Buffer.from([0xa0]), 5)),
        extension(OID.extKeyUsage, false, derSeq(derOid(OID.clientAuth))),
        extension('2.5.29.35', false, derSeq(derTlv(0x80, akid))),
        extension(DEVICE_CERT_OIDS.deviceId, false, wrapped(guidToBytes(facts.deviceId))),
        extension(DEVICE_CERT_OIDS.userObjectId, false, wrapped(guidToBytes(facts.userObjectId))),
        extension(DEVICE_CERT_OIDS.tenantId, false, wrapped(guidToBytes(facts.tenantId))),
        extension(DEVICE_CERT_OIDS.joinType, false, wrapped(Buffer.from(facts.joinType === 4 ? '0' : '1', 'ascii'))),
        extension(DEVICE_CERT_OIDS.tenantRegion, false, wrapped(Buffer.from(facts.region, 'ascii'))),
      ),
    ),
  );
  const der = derSeq(tbs, sigAlg, derBitString(cryptoSign('sha256', tbs, ca.privateKey)));
  // A last self-check with node's own X.509 parser: a certificate that does not read back or verify is never handed out.
  if (!new X509Certificate(der).verify(ca.publicKey)) throw new Error('the device certificate does not verify against MS-Organization-Access');
  return { der, serialNumber };
}
