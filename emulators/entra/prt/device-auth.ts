import { X509Certificate } from 'node:crypto';
import { compactVerify } from 'jose';
import { thumbprint } from '../../protocols/x509.js';
import type { EntraContext } from '../context.js';
import { AADSTS } from '../errors.js';
import { loadKey } from '../keys.js';

export interface DeviceRow {
  device_id: string;
  object_id: string;
  display_name: string;
  owner_object_id: string;
  owner_upn: string;
  transport_key: string;
  cert_thumbprint: string;
  enabled: number;
}

/** The CA certificate as node reads it, parsed once per DER (the tenant's CA changes only with a new DB). */
let caParsed: { der: Buffer; cert: X509Certificate } | null = null;
function caCertificate(der: Buffer): X509Certificate {
  if (!caParsed || !caParsed.der.equals(der)) caParsed = { der, cert: new X509Certificate(der) };
  return caParsed.cert;
}

/**
 * A JWT signed by a device key (entra-mde2.md §6.2): `x5c` is the device certificate, as ONE base64 string
 * (ROADtools, AADInternals) or an array (MS-OAPXBC, libhimmelblau). The certificate must chain to this tenant's
 * MS-Organization-Access CA, be valid by the lab clock, belong to a registered enabled device, and its key must
 * verify the JWS.
 */
export async function authenticateDevice(ctx: EntraContext, jws: string, header: Record<string, unknown>): Promise<{ device: DeviceRow; payload: Record<string, unknown> }> {
  const x5c = Array.isArray(header.x5c) ? header.x5c[0] : header.x5c;
  if (typeof x5c !== 'string') throw AADSTS.deviceAuthFailed('The request has no x5c device certificate.');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(x5c, 'base64'));
  } catch {
    throw AADSTS.deviceAuthFailed('The x5c device certificate cannot be parsed.');
  }
  // node's X.509 (OpenSSL) reads and checks the certificate: no ASN.1 object model per PRT request under load.
  const ca = caCertificate(loadKey(ctx, 'device-ca').certDer);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) throw AADSTS.deviceAuthFailed('The device certificate was not issued by MS-Organization-Access of this tenant.');
  const now = ctx.lab.clock.now();
  if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) throw AADSTS.deviceAuthFailed('The device certificate is outside its validity period.');
  const device = ctx.store.read((db) => db.prepare(`SELECT * FROM devices WHERE cert_thumbprint = ?`).get(thumbprint(cert.raw)) as DeviceRow | undefined);
  if (!device || `CN=${device.device_id}` !== cert.subject) throw AADSTS.deviceAuthFailed('The device certificate belongs to no registered device.');
  if (!device.enabled) throw AADSTS.deviceDisabled();
  let payload: Record<string, unknown>;
  try {
    const verified = await compactVerify(jws, cert.publicKey, { algorithms: ['RS256'] });
    payload = JSON.parse(Buffer.from(verified.payload).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw AADSTS.deviceAuthFailed('The request signature does not verify with the device certificate key.');
  }
  return { device, payload };
}
