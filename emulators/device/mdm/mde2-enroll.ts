import { decodeJwt } from 'jose';
import type { LabResponse } from '../../lab/lab.js';
import { parseSoapEnvelope, readSoapFault, SOAP_CONTENT_TYPE, type SoapEnvelope } from '../../protocols/soap.js';
import { MDE2, type HeaderToken } from '../../protocols/mde2/envelope.js';
import { buildDiscover, readDiscoverResponse } from '../../protocols/mde2/discover.js';
import { buildGetPolicies, readGetPoliciesResponse } from '../../protocols/mde2/policy.js';
import {
  buildRequestSecurityToken,
  readRequestSecurityTokenResponseCollection,
  type ContextItem,
} from '../../protocols/mde2/wstep.js';
import { OID_OIW_SHA1_RSA, OID_SHA256_RSA } from '../tpm/csr.js';
import { send, type DeviceContext } from '../context.js';
import type { EnrollmentState, Hardware } from '../state.js';
import { installProvisioningDoc } from './provisioning.js';

/** Windows' enrollment client names itself so in every MS-MDE2 request (fleet.md §7.3 capture). */
const USER_AGENT = 'ENROLLClient';
/** The requested extension of a Windows MDM CSR: the DeviceID as ASCII plus NUL (fleet.md §7.3; meaning UNCONFIRMED). */
export const OID_MDM_DEVICE_ID_EXT = '1.3.6.1.4.1.311.66.1.0';

export interface EnrollMdmOptions {
  /** The Entra access token for the MDM (default: the one the PRT exchange got). */
  accessToken?: string;
  /**
   * A ready header token instead of an Entra JWT: programmatic enrollment, where orbit calls
   * RegisterDeviceWithManagement with Fleet's DeviceEnrollmentUserToken (fleet.md §2.5 A).
   */
  headerToken?: HeaderToken;
  /** Settings app / "Access work or school" (true) or OOBE / Autopilot (false, the default). */
  notInOobe?: boolean;
  /** `Device` for an Entra-joined device (default), `Full` for a user enrollment. */
  enrollmentType?: 'Device' | 'Full';
  /** The MDM discovery URL (default: the device's). */
  discoveryUrl?: string;
  /** MS-MDE2 RequestVersion for Discover (Windows 10 sends 4.0) and whether to send a RequestVersion context item. */
  requestVersion?: string;
  sendRequestVersionItem?: boolean;
  /** CSR signature: OIW sha1WithRSA as the captured Windows 10 CSR (default) or sha256WithRSAEncryption. */
  csrSignature?: 'sha1-oiw' | 'sha256';
}

export interface EnrollMdmResult extends EnrollmentState {
  deviceId: string;
  hwDevId: string;
}

/** Base64 of the JWT's UTF-8 bytes: how Windows (and AADInternals, pytune) carries an Entra token (§7.2). */
function headerToken(accessToken: string): HeaderToken {
  return { valueType: MDE2.valueTypes.jwt, content: Buffer.from(accessToken, 'utf8').toString('base64') };
}

function soapOf(res: LabResponse, what: string): SoapEnvelope {
  if (res.status !== 200) throw new Error(`${what}: HTTP ${res.status} ${res.text().slice(0, 300)}`);
  const env = parseSoapEnvelope(res.text());
  const fault = readSoapFault(env);
  if (fault) throw new Error(`${what}: SOAP fault ${fault.subcode || fault.code}: ${fault.reason}`);
  return env;
}

/**
 * The AdditionalContext items in the order and with the names a real Windows device sends them (fleet.md §7.3
 * capture): no RequestVersion item unless asked, one MAC item per NIC, NotInOobe last.
 */
export function windowsContextItems(hw: Hardware, o: { enrollmentType: 'Device' | 'Full'; notInOobe: boolean; requestVersion?: string }): ContextItem[] {
  const items: ContextItem[] = [
    // The enrollment was started from a UI (Settings) rather than by OOBE/Autopilot.
    { name: 'UXInitiated', value: o.notInOobe ? 'true' : 'false' },
    { name: 'HWDevID', value: hw.hwDevId },
    { name: 'Locale', value: hw.locale },
    { name: 'TargetedUserLoggedIn', value: 'true' },
    { name: 'OSEdition', value: hw.osEdition },
    { name: 'DeviceName', value: hw.deviceName },
    ...hw.macs.map((m) => ({ name: 'MAC', value: m })),
    { name: 'DeviceID', value: hw.mdmDeviceId },
    { name: 'EnrollmentType', value: o.enrollmentType },
    { name: 'DeviceType', value: 'CIMClient_Windows' },
    { name: 'OSVersion', value: hw.osVersion },
    { name: 'ApplicationVersion', value: hw.osVersion },
    { name: 'NotInOobe', value: o.notInOobe ? 'true' : 'false' },
  ];
  if (o.requestVersion) items.push({ name: 'RequestVersion', value: o.requestVersion });
  return items;
}

/**
 * MS-MDE2 enrollment as Windows runs it after the Entra join (entra-mde2.md §7, §11.1 step 8): probe the discovery
 * URL with a bare GET, Discover, GetPolicies with the Entra token, make the MDM client key and a Windows-shaped
 * CSR in the TPM, RequestSecurityToken, then install the provisioning doc.
 */
export async function enrollMdm(ctx: DeviceContext, opts: EnrollMdmOptions = {}): Promise<EnrollMdmResult> {
  const hw = ctx.state.require('hardware', 'the device was not set up');
  const accessToken = opts.headerToken ? null : (opts.accessToken ?? ctx.state.require('mdmToken', 'get the MDM token from the PRT first (device.getPrt())').accessToken);
  const claims = accessToken ? decodeJwt(accessToken) : {};
  const upn = String(claims.upn ?? claims.unique_name ?? claims.preferred_username ?? ctx.state.get('signIn')?.upn ?? '');
  const discoveryUrl = opts.discoveryUrl ?? ctx.mdmDiscoveryUrl;
  if (!discoveryUrl) throw new Error('the device has no MDM discovery URL');
  const notInOobe = opts.notInOobe ?? false;
  const enrollmentType = opts.enrollmentType ?? 'Device';
  const token = opts.headerToken ?? headerToken(accessToken!);

  // Windows probes the discovery service with a bare GET before its Discover POST (fleet.md §7.3).
  await send(ctx, { catalogId: 'mde2.discovery-probe', url: discoveryUrl, headers: { 'user-agent': USER_AGENT, 'cache-control': 'no-cache', pragma: 'no-cache' } });

  const soapHeaders = { 'content-type': SOAP_CONTENT_TYPE, 'user-agent': USER_AGENT };
  const discover = buildDiscover({
    messageId: `urn:uuid:${ctx.lab.ids.uuid()}`,
    to: discoveryUrl,
    emailAddress: upn,
    requestVersion: opts.requestVersion ?? '4.0',
    deviceType: 'CIMClient_Windows',
    applicationVersion: hw.osVersion,
    osEdition: hw.osEdition,
    authPolicies: [MDE2.authOnPremise, MDE2.authFederated],
  });
  const dres = await send(ctx, { catalogId: 'mde2.discover', url: discoveryUrl, headers: soapHeaders, body: discover });
  const discovered = readDiscoverResponse(soapOf(dres, 'Discover'));
  if (!discovered?.enrollmentServiceUrl) throw new Error('Discover: the response has no EnrollmentServiceUrl');
  const policyUrl = discovered.enrollmentPolicyServiceUrl || discovered.enrollmentServiceUrl;

  const gp = buildGetPolicies({ messageId: `urn:uuid:${ctx.lab.ids.uuid().toUpperCase()}`, to: policyUrl, token });
  const pres = await send(ctx, { catalogId: 'mde2.get-policies', url: policyUrl, headers: soapHeaders, body: gp });
  const policy = readGetPoliciesResponse(soapOf(pres, 'GetPolicies'));
  if (policy && policy.minimalKeyLength > 2048) throw new Error(`GetPolicies asks for a ${policy.minimalKeyLength}-bit key; the TPM makes RSA-2048`);

  const key = await ctx.tpm.createKey('mdm-client');
  // CN "<GUID, cut to 30 chars>!<DeviceID>" + NUL fills the 64-char CN as in the captured CSR (fleet.md §7.3);
  // what the GUID names is UNCONFIRMED: an id drawn per enrollment here.
  const cn = `${ctx.lab.ids.uuid().toUpperCase().slice(0, 30)}!${hw.mdmDeviceId}\0`;
  const csr = await ctx.tpm.createCsr(key.handle, {
    subjectCn: cn,
    extensions: [{ oid: OID_MDM_DEVICE_ID_EXT, value: Buffer.from(`${hw.mdmDeviceId}\0`, 'ascii') }],
    signatureOid: opts.csrSignature === 'sha256' ? OID_SHA256_RSA : OID_OIW_SHA1_RSA,
  });
  const rst = buildRequestSecurityToken({
    messageId: `urn:uuid:${ctx.lab.ids.uuid()}`,
    to: discovered.enrollmentServiceUrl,
    token,
    csrBase64: csr.toString('base64'),
    contextItems: windowsContextItems(hw, { enrollmentType, notInOobe, ...(opts.sendRequestVersionItem ? { requestVersion: '5.0' } : {}) }),
  });
  const eres = await send(ctx, { catalogId: 'mde2.rst', url: discovered.enrollmentServiceUrl, headers: soapHeaders, body: rst });
  const rstr = readRequestSecurityTokenResponseCollection(soapOf(eres, 'RequestSecurityToken'));
  if (!rstr?.provisioningDocXml) throw new Error('RequestSecurityToken: no provisioning doc in the response');

  return ctx.lab.local({ party: 'device', catalogId: 'mde2.install-provisioning-doc' }, () =>
    ctx.store.tx((db) => {
      const p = installProvisioningDoc(ctx, db, rstr.provisioningDocXml, key.handle);
      const enrollment: EnrollmentState = {
        discoveryUrl,
        policyUrl,
        enrollmentUrl: discovered.enrollmentServiceUrl,
        managementUrl: p.managementUrl,
        providerId: p.providerId,
        dmAccountId: p.dmAccountId,
        clientKeyHandle: key.handle,
        clientThumbprint: p.clientThumbprint,
        enrollmentType,
        upn,
        notInOobe,
      };
      ctx.state.set(db, 'enrollment', enrollment);
      return { ...enrollment, deviceId: hw.mdmDeviceId, hwDevId: hw.hwDevId };
    }),
  (r) => ({ providerId: r.providerId, managementUrl: r.managementUrl, clientThumbprint: r.clientThumbprint, dmAccountId: r.dmAccountId }));
}
