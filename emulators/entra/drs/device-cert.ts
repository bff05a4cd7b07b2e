import { createHash, sign as cryptoSign, X509Certificate } from 'node:crypto';
import { DEVICE_CERT_OIDS, guidToBytes } from '../../protocols/drs.js';
import { OID } from '../../protocols/pkcs10.js';
import { certPublicKeyBits, certSubjectDer, derBitString, derBool, derExplicit, derNull, derOctets, derOid, derSeq, derTime, derTlv, derUint, derDirectoryString, derSet, readTlv, tlvContent } from '../../protocols/der.js';
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

const SKI_OID = '2.5.29.14';

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
  // RFC 5280 §4.2.1.1: the issuer's SubjectKeyIdentifier, or its method (1): SHA-1 of the subjectPublicKey bits.
  const ski = ca.cert.getExtension(SKI_OID);
  const skiValue = ski && Buffer.from(ski.value);
  const akid = skiValue ? Buffer.from(tlvContent(skiValue, readTlv(skiValue, 0))) : createHash('sha1').update(certPublicKeyBits(ca.certDer)).digest();
  const sigAlg = derSeq(derOid(OID.sha256WithRSA), derNull());
  const tbs = derSeq(
    derExplicit(0, derUint(2n)),
    derUint(BigInt(`0x${serialNumber}`)),
    sigAlg,
    certSubjectDer(ca.certDer),
    // derTime writes whole seconds, as X.509 times carry them.
    derSeq(derTime(new Date(now - 5 * 60_000)), derTime(new Date(now + LIFETIMES.deviceCertYears * 365 * 24 * 3600_000))),
    derSeq(derSet(derSeq(derOid(OID.commonName), derDirectoryString(facts.deviceId)))),
    spki,
    derExplicit(
      3,
      derSeq(
        // digitalSignature | keyEncipherment (bits 0 and 2), critical.
        extension(OID.keyUsage, true, derBitString(Buffer.from([0xa0]), 5)),
        extension(OID.extKeyUsage, false, derSeq(derOid(OID.clientAuth))),
        extension('2.5.29.35', false, derSeq(derTlv(0x80, akid))),
        extension(DEVICE_CERT_OIDS.deviceId, false, derOctets(guidToBytes(facts.deviceId))),
        extension(DEVICE_CERT_OIDS.userObjectId, false, derOctets(guidToBytes(facts.userObjectId))),
        extension(DEVICE_CERT_OIDS.tenantId, false, derOctets(guidToBytes(facts.tenantId))),
        extension(DEVICE_CERT_OIDS.joinType, false, derOctets(Buffer.from(facts.joinType === 4 ? '0' : '1', 'ascii'))),
        extension(DEVICE_CERT_OIDS.tenantRegion, false, derOctets(Buffer.from(facts.region, 'ascii'))),
      ),
    ),
  );
  const der = derSeq(tbs, sigAlg, derBitString(cryptoSign('sha256', tbs, ca.privateKey)));
  // A last self-check with node's own X.509 parser: a certificate that does not read back or verify is never handed out.
  if (!new X509Certificate(der).verify(ca.publicKey)) throw new Error('the device certificate does not verify against MS-Organization-Access');
  return { der, serialNumber };
}
