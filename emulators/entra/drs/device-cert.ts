import { x509, toCryptoKeys, RSA_SHA256 } from '../../protocols/x509.js';
import { DEVICE_CERT_OIDS, guidToBytes } from '../../protocols/drs.js';
import { LIFETIMES, type EntraContext } from '../context.js';
import { loadKey } from '../keys.js';

/** DER OCTET STRING around the value: each private extension's content is wrapped once more (entra-mde2.md §3.4). */
function octetString(value: Buffer): Uint8Array<ArrayBuffer> {
  if (value.length > 127) throw new RangeError('extension value too long for a short-form length');
  return new Uint8Array(Buffer.concat([Buffer.from([0x04, value.length]), value]));
}

export interface DeviceCertFacts {
  deviceId: string;
  userObjectId: string;
  tenantId: string;
  /** The request's JoinType; the certificate says "0" registered / "1" joined (AADInternals mapping). */
  joinType: number;
  region: string;
}

/**
 * The device certificate (§3.4): subject CN=<deviceId>, issuer CN=MS-Organization-Access, the CSR's public key,
 * the 1.2.840.113556.1.5.284.* extensions. Validity, EKU and key usage are UNCONFIRMED: clientAuth, 10 years.
 */
export async function issueDeviceCertificate(ctx: EntraContext, csrKey: x509.PublicKey, facts: DeviceCertFacts): Promise<x509.X509Certificate> {
  const ca = loadKey(ctx, 'device-ca');
  const now = ctx.lab.clock.now();
  const signer = await toCryptoKeys({ privateKey: ca.privateKey, publicKey: ca.publicKey });
  return x509.X509CertificateGenerator.create({
    serialNumber: `1${ctx.lab.ids.hex(15).slice(1)}`,
    subject: `CN=${facts.deviceId}`,
    issuer: ca.cert.subject,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + LIFETIMES.deviceCertYears * 365 * 24 * 3600_000),
    signingAlgorithm: RSA_SHA256,
    publicKey: csrKey,
    signingKey: signer.privateKey,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false),
      new x509.Extension(DEVICE_CERT_OIDS.deviceId, false, octetString(guidToBytes(facts.deviceId))),
      new x509.Extension(DEVICE_CERT_OIDS.userObjectId, false, octetString(guidToBytes(facts.userObjectId))),
      new x509.Extension(DEVICE_CERT_OIDS.tenantId, false, octetString(guidToBytes(facts.tenantId))),
      new x509.Extension(DEVICE_CERT_OIDS.joinType, false, octetString(Buffer.from(facts.joinType === 4 ? '0' : '1', 'ascii'))),
      new x509.Extension(DEVICE_CERT_OIDS.tenantRegion, false, octetString(Buffer.from(facts.region, 'ascii'))),
    ],
  });
}
