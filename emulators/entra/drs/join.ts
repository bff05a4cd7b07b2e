import { createHash } from 'node:crypto';
import { thumbprint } from '../../protocols/x509.js';
import { OID, parseCsr, verifyCsr, type ParsedCsr } from '../../protocols/pkcs10.js';
import { JOIN_CSR_CN, JOIN_TYPES, type DrsJoinResponse } from '../../protocols/drs.js';
import { parseBcryptRsaKeyBlob, BcryptBlobError } from '../../protocols/bcrypt-blob.js';
import type { EntraContext } from '../context.js';
import { DrsError } from '../errors.js';
import { getTenant, getUser, localAdminRoles } from '../directory.js';
import { verifyDrsBearer } from './bearer.js';
import { issueDeviceCertificate } from './device-cert.js';

/** Keys of the join body are matched without case: ROADtools sends `attributes` and the service takes it (§3.2). */
function field(body: Record<string, unknown>, name: string): unknown {
  const k = Object.keys(body).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : body[k];
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const v = field(body, name);
  if (typeof v !== 'string' || v === '') throw new DrsError(400, 'invalid_request', 'missing_field', `The join request lacks '${name}'.`);
  return v;
}

/**
 * An Entra object id as the SID Windows gives it on a joined device (S-1-12-1-…): the GUID's 16 bytes in .NET
 * Guid.ToByteArray order read as four little-endian uint32 (AADInternals Convert-AADIntObjectIDtoSID).
 */
export function objectIdToSid(objectId: string): string {
  const hex = objectId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a GUID: ${objectId}`);
  const b = Buffer.from(hex, 'hex');
  // Guid.ToByteArray: Data1 (4), Data2 (2), Data3 (2) little-endian, then Data4 (8) as written.
  const bytes = Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)]);
  return `S-1-12-1-${[0, 4, 8, 12].map((o) => bytes.readUInt32LE(o)).join('-')}`;
}

/** The local Administrators group of a Windows device (well-known SID, MS-DTYP 2.4.2.4 BUILTIN_ADMINISTRATORS). */
export const LOCAL_ADMINISTRATORS_SID = 'S-1-5-32-544';

/** An attribute of the join body's `Attributes` map, read without case (Windows writes "true" as a string). */
function attribute(body: Record<string, unknown>, name: string): string | undefined {
  const attrs = field(body, 'Attributes');
  if (attrs === null || typeof attrs !== 'object') return undefined;
  const v = field(attrs as Record<string, unknown>, name);
  return typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : undefined;
}

/** Short names of the subject attributes a CSR may carry, for the error that quotes the subject (RFC 4514 §3). */
const NAME_KEYS: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.11': 'OU', '2.5.4.10': 'O', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '0.9.2342.19200300.100.1.25': 'DC' };

/** The WebCrypto name of a CSR's key type, as the error says it. */
const KEY_NAMES: Record<string, string> = { rsa: 'RSASSA-PKCS1-v1_5', 'rsa-pss': 'RSA-PSS', ec: 'ECDSA', ed25519: 'Ed25519' };

/**
 * PKCS#10 as Windows sends it (§3.2): subject exactly CN=7E980AD9-…, RSA-2048, sha256WithRSAEncryption, self-signature
 * valid. Read by the shared DER reader (pkcs10.ts) and checked with node's RSA verifier: no ASN.1 object model per join.
 */
function checkCsr(data: string): ParsedCsr {
  let csr: ParsedCsr;
  try {
    csr = parseCsr(Buffer.from(data, 'base64'));
  } catch {
    throw new DrsError(400, 'invalid_request', 'invalid_csr', 'CertificateRequest.Data is not a DER PKCS#10 request.');
  }
  const subject = csr.subject.map((a) => `${NAME_KEYS[a.oid] ?? a.oid}=${a.value}`).join(', ');
  if (subject !== `CN=${JOIN_CSR_CN}`) throw new DrsError(400, 'invalid_request', 'invalid_csr_subject', `The CSR subject must be CN=${JOIN_CSR_CN}, not ${subject || '(empty)'}.`);
  const bits = csr.publicKey.asymmetricKeyDetails?.modulusLength;
  if (csr.publicKeyAlgorithm !== OID.rsaEncryption || bits !== 2048)
    throw new DrsError(400, 'invalid_request', 'invalid_csr_key', `The CSR key must be RSA-2048, not ${KEY_NAMES[csr.publicKey.asymmetricKeyType ?? ''] ?? csr.publicKeyAlgorithm}${bits ? `-${bits}` : ''}.`);
  if (csr.signatureAlgorithm !== OID.sha256WithRSA) throw new DrsError(400, 'invalid_request', 'invalid_csr_signature', 'The CSR must be signed with sha256WithRSAEncryption.');
  try {
    verifyCsr(csr);
  } catch {
    throw new DrsError(400, 'invalid_request', 'invalid_csr_signature', 'The CSR signature does not verify.');
  }
  return csr;
}

/**
 * POST /EnrollmentServer/device/?api-version=2.0 (§3.2–§3.4): validate everything, mint the device id, issue the
 * device certificate from MS-Organization-Access, then store the device in one transaction.
 */
export async function joinDevice(ctx: EntraContext, authorization: string | undefined, rawBody: string): Promise<DrsJoinResponse> {
  const tenant = getTenant(ctx);
  const caller = await verifyDrsBearer(ctx, tenant, authorization);
  let body: Record<string, unknown>;
  try {
    const parsed = JSON.parse(rawBody) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    body = parsed as Record<string, unknown>;
  } catch {
    throw new DrsError(400, 'invalid_request', 'invalid_json', 'The join request body is not a JSON object.');
  }
  const certReq = field(body, 'CertificateRequest');
  if (certReq === null || typeof certReq !== 'object') throw new DrsError(400, 'invalid_request', 'missing_field', "The join request lacks 'CertificateRequest'.");
  const type = field(certReq as Record<string, unknown>, 'Type');
  if (typeof type !== 'string' || type.toLowerCase() !== 'pkcs10') throw new DrsError(400, 'invalid_request', 'invalid_csr', "CertificateRequest.Type must be 'pkcs10'.");
  const csr = checkCsr(requiredString(certReq as Record<string, unknown>, 'Data'));
  const transportBlob = Buffer.from(requiredString(body, 'TransportKey'), 'base64');
  try {
    parseBcryptRsaKeyBlob(transportBlob);
  } catch (e) {
    if (e instanceof BcryptBlobError) throw new DrsError(400, 'invalid_request', `invalid_transport_key_${e.problem.replace(/-/g, '_')}`, `TransportKey: ${e.message}.`);
    throw e;
  }
  const joinType = Number(field(body, 'JoinType'));
  if (!Number.isInteger(joinType) || !JOIN_TYPES.includes(joinType)) throw new DrsError(400, 'invalid_request', 'invalid_join_type', `JoinType ${field(body, 'JoinType') === undefined ? '(missing)' : JSON.stringify(field(body, 'JoinType'))} is not one of ${JOIN_TYPES.join(', ')}.`);
  const deviceType = requiredString(body, 'DeviceType');
  const osVersion = requiredString(body, 'OSVersion');
  const displayName = requiredString(body, 'DeviceDisplayName');
  const targetDomain = typeof field(body, 'TargetDomain') === 'string' ? (field(body, 'TargetDomain') as string) : null;
  const user = getUser(ctx, caller.oid);

  const deviceId = ctx.lab.ids.uuid();
  const cert = issueDeviceCertificate(ctx, csr.spki, { deviceId, userObjectId: user.object_id, tenantId: tenant.id, joinType, region: tenant.region });
  const der = cert.der;
  const spki = csr.spki;
  const row = {
    device_id: deviceId,
    object_id: ctx.lab.ids.uuid(),
    display_name: displayName,
    device_type: deviceType,
    os_version: osVersion,
    join_type: joinType,
    target_domain: targetDomain,
    owner_object_id: user.object_id,
    owner_upn: user.upn,
    transport_key: transportBlob.toString('base64'),
    device_key_sha256: createHash('sha256').update(spki).digest('hex'),
    cert_thumbprint: thumbprint(der),
    cert_serial: cert.serialNumber,
    cert_der: der.toString('base64'),
    created_at: ctx.iso(),
  };
  ctx.store.tx((db) =>
    db
      .prepare(
        `INSERT INTO devices(device_id, object_id, display_name, device_type, os_version, join_type, target_domain, owner_object_id, owner_upn, transport_key, device_key_sha256, cert_thumbprint, cert_serial, cert_der, created_at)
         VALUES (@device_id, @object_id, @display_name, @device_type, @os_version, @join_type, @target_domain, @owner_object_id, @owner_upn, @transport_key, @device_key_sha256, @cert_thumbprint, @cert_serial, @cert_der, @created_at)`,
      )
      .run(row),
  );
  const reply: DrsJoinResponse = { Certificate: { Thumbprint: row.cert_thumbprint, RawBody: row.cert_der }, User: { Upn: user.upn } };
  // ReturnClientSid: Entra says which SIDs Windows puts in local Administrators (entra-mde2.md corrections §8):
  // the Global Administrator and the joined-device local administrator roles, and the joining user
  // (AADInternals Join-AADIntAzureAD prints three S-1-12-1 SIDs). Which SIDs and their order: UNCONFIRMED.
  if (attribute(body, 'ReturnClientSid')?.toLowerCase() === 'true') {
    reply.MembershipChanges = [{ LocalSID: LOCAL_ADMINISTRATORS_SID, AddSIDs: [...localAdminRoles(ctx).map((r) => objectIdToSid(r.object_id)), objectIdToSid(user.object_id)] }];
  }
  return reply;
}
