import type { MdmContext } from '../context.js';
import { MDM_PATHS } from '../../protocols/paths/mdm.js';
import type { SoapEnvelope } from '../../protocols/soap.js';
import { decodeBase64Any } from '../../protocols/soap.js';
import { MDE2 } from '../../protocols/mde2/envelope.js';
import {
  contextItem,
  readRequestSecurityToken,
  validateRequestSecurityToken,
  buildRequestSecurityTokenResponseCollection,
} from '../../protocols/mde2/wstep.js';
import { parseCsr, verifyCsr, stripNul, type ParsedCsr } from '../../protocols/pkcs10.js';
import { credentialsHash } from '../../protocols/syncml-auth.js';
import { authorizeHeaderToken } from './auth.js';
import { fleetProvisioningDoc } from './provisioning.js';
import { loadIdentity } from '../wstep/identity.js';
import { signClientCsr } from '../wstep/client-cert.js';
import { recordMdmEnrolledAtEnrollment } from '../store/activity-mdm-enrolled.js';
import { deleteEnrolledDeviceOnReenrollment, insertEnrolledDevice, MDM_DEVICE_STATE_ENROLLED } from '../store/enrollments.js';

/**
 * The Enroll endpoint (MS-WSTEP RequestSecurityToken → RequestSecurityTokenResponseCollection; fleet.md §2.4–§2.7):
 * validate the message, authorize the header token, read the CSR and the context items, and only then, in ONE
 * store transaction, drop an earlier enrollment of the HWDevID, issue the client certificate, and store the
 * enrollment with its DM credentials hash. A fault writes nothing.
 */

/** The literal Fleet stores when the RST has no RequestVersion item (real Windows sends none). */
export const REQUEST_VERSION_NOT_PRESENT = 'request_version_not_present';

/** GetClientCSR (fleet.md §1.5): decode, parse tolerantly, verify the self-signature, require a subject. */
function clientCsr(valueType: string, content: string): ParsedCsr {
  if (valueType === MDE2.valueTypes.pkcs7) {
    // Renewal (ROBO) requests wrap the CSR in PKCS#7; the lab does not renew yet.
    throw new Error('device provisioning information: PKCS7 renewal requests are not supported by this server');
  }
  const der = decodeBase64Any(content);
  if (!der || der.length === 0) throw new Error('device provisioning information: invalid CSR encoding: illegal base64 data');
  let csr: ParsedCsr;
  try {
    csr = parseCsr(der);
    verifyCsr(csr);
  } catch (e) {
    throw new Error(`device provisioning information: invalid CSR: ${(e as Error).message}`);
  }
  if (csr.subject.length === 0 || !stripNul(csr.commonName)) throw new Error('device provisioning information: invalid CSR: empty subject');
  return csr;
}

/** Go's strconv.ParseBool. */
function parseBool(name: string, v: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new Error(`enrolled device information cannot be stored: ${name}: strconv.ParseBool: parsing "${v}": invalid syntax`);
}

/** CertManager-style timestamp 2006-01-02T15:04:05.000Z, `minutes` from now on the lab clock. */
function utcTime(ctx: MdmContext, minutes: number): string {
  return new Date(ctx.lab.clock.now() + minutes * 60_000).toISOString();
}

export async function handleEnroll(ctx: MdmContext, env: SoapEnvelope): Promise<string> {
  const invalid = validateRequestSecurityToken(env);
  if (invalid) throw new Error(invalid);
  const rst = readRequestSecurityToken(env)!;
  const auth = await authorizeHeaderToken(ctx, env);

  const csr = clientCsr(rst.binarySecurityToken.valueType, rst.binarySecurityToken.content);

  // storeWindowsMDMEnrolledDevice's items, all read before anything is written.
  const item = (name: string): string => {
    const v = contextItem(rst, name);
    if (v === undefined) throw new Error(`enrolled device information cannot be stored: ${name}: ContextItem item ${name} is not present`);
    return v;
  };
  const deviceId = item('DeviceID');
  const hwDevId = item('HWDevID');
  const deviceType = item('DeviceType');
  const deviceName = item('DeviceName');
  const appVersion = item('ApplicationVersion');
  const enrollType = item('EnrollmentType');
  const notInOobe = parseBool('NotInOobe', item('NotInOobe'));
  const requestVersion = contextItem(rst, 'RequestVersion') ?? REQUEST_VERSION_NOT_PRESENT;

  const identity = loadIdentity(ctx);
  const managementUrl = ctx.url(MDM_PATHS.management);
  const discoveryUrl = ctx.url(MDM_PATHS.discovery);
  const automatic = auth.kind === 'automatic';
  const now = ctx.lab.clock.date();
  const nowIso = now.toISOString();

  const docB64 = ctx.store.tx((db) => {
    for (const w of auth.writes) w(db);
    // The table's unique key follows the Fleet profile (switches.ts hwdevid-unique-per-host).
    const key = { uniquePerHost: ctx.fleet('hwdevid-unique-per-host') };
    deleteEnrolledDeviceOnReenrollment(db, hwDevId, key, { deviceId, hostUuid: auth.hostUuid });
    // Fleet signs the CSR with subject = HWDevID (not DeviceID).
    const cert = signClientCsr(db, identity, csr, hwDevId, now);
    const password = ctx.lab.ids.uuid();
    const doc = fleetProvisioningDoc({
      enrollmentType: enrollType,
      identityFingerprint: identity.fingerprint,
      identityCertDer: identity.certDer,
      clientFingerprint: cert.fingerprint,
      clientCertDer: cert.der,
      managementUrl,
      dmUsername: deviceId,
      dmPassword: password,
    });
    // An automatic enrollment during OOBE (Autopilot) starts Pending, which drives the ESP hold.
    const awaiting = automatic && !notInOobe;
    insertEnrolledDevice(
      db,
      {
        mdm_device_id: deviceId,
        mdm_hardware_id: hwDevId,
        device_state: MDM_DEVICE_STATE_ENROLLED,
        device_type: deviceType,
        device_name: deviceName,
        enroll_type: enrollType,
        enroll_user_id: auth.userId,
        enroll_proto_version: requestVersion,
        enroll_client_version: appVersion,
        not_in_oobe: notInOobe,
        host_uuid: auth.hostUuid,
        credentials_hash: credentialsHash(deviceId, password),
        credentials_acknowledged: true,
        awaiting_configuration: awaiting ? 1 : 0,
        awaiting_configuration_at: awaiting ? nowIso : null,
      },
      nowIso,
    );
    // storeWindowsMDMEnrolledDevice's mdm_enrolled activity: at once, or deferred to the link (PR #52235).
    recordMdmEnrolledAtEnrollment(db, { mdm_hardware_id: hwDevId, device_name: deviceName, host_uuid: auth.hostUuid, enroll_user_id: auth.userId, not_in_oobe: notInOobe ? 1 : 0 }, ctx.fleet('deferred-mdm-enrolled-activity'), nowIso);
    if (auth.hostUuid) {
      // SetOrUpdateMDMData(host, is_server=false, enrolled=true, discovery URL, installed_from_dep, "Fleet", "", false).
      const host = db.prepare(`SELECT id FROM hosts WHERE uuid = ? ORDER BY id LIMIT 1`).get(auth.hostUuid) as { id: number } | undefined;
      if (host) {
        db.prepare(
          `INSERT INTO host_mdm(host_id, enrolled, server_url, installed_from_dep, mdm_id, is_server, fleet_enroll_ref, is_personal_enrollment, created_at, updated_at)
           VALUES (?, 1, ?, ?, NULL, 0, '', 0, ?, ?)
           ON CONFLICT(host_id) DO UPDATE SET enrolled = 1, server_url = excluded.server_url, installed_from_dep = excluded.installed_from_dep,
             is_server = 0, fleet_enroll_ref = '', is_personal_enrollment = 0, updated_at = excluded.updated_at`,
        ).run(host.id, discoveryUrl, automatic && !notInOobe ? 1 : 0, nowIso, nowIso);
      }
    }
    return Buffer.from(doc, 'utf8').toString('base64');
  });

  return buildRequestSecurityTokenResponseCollection({
    relatesTo: env.header.messageId,
    provisioningDocBase64: docB64,
    created: utcTime(ctx, -5),
    expires: utcTime(ctx, 5),
  });
}
