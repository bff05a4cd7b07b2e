import type { XmlEl } from '../xml.js';
import { NS, BASE64_BINARY, type SoapEnvelope, type BinarySecurityToken } from '../soap.js';

/**
 * What every MS-MDE2 enrollment message shares (reference/entra-mde2.md §7, reference/fleet.md §2.2–§2.8): the
 * namespaces, actions and token types, the body message lookup, Fleet's header and body checks, and the WS-Security
 * header token that GetPolicies and RequestSecurityToken carry. The messages themselves are one module per family:
 * discover.ts, policy.ts (MS-XCEP), wstep.ts (MS-WSTEP), fault.ts and provisioning-doc.ts. Server responses follow
 * Fleet's byte shape (Go xml.MarshalIndent); client requests follow Windows' shape.
 */

export const MDE2 = {
  discoveryNs: 'http://schemas.microsoft.com/windows/management/2012/01/enrollment',
  policyNs: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy',
  enrollmentNs: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment',
  actions: {
    discover: 'http://schemas.microsoft.com/windows/management/2012/01/enrollment/IDiscoveryService/Discover',
    discoverResponse: 'http://schemas.microsoft.com/windows/management/2012/01/enrollment/IDiscoveryService/DiscoverResponse',
    getPolicies: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy/IPolicy/GetPolicies',
    getPoliciesResponse: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy/IPolicy/GetPoliciesResponse',
    requestSecurityToken: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RST/wstep',
    rstrc: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RSTRC/wstep',
    diagnostics: NS.diag,
  },
  valueTypes: {
    /** Fleet's device token (and the federated STS wresult): base64 JSON. */
    deviceEnrollmentUserToken: 'http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentUserToken',
    /** An Entra access token (AADJ / "Access work or school"). */
    jwt: 'urn:ietf:params:oauth:token-type:jwt',
    pkcs10: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment#PKCS10',
    pkcs7: 'http://schemas.microsoft.com/windows/pki/2009/01/enrollment#PKCS7',
    provisionDoc: 'http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentProvisionDoc',
  },
  tokenType: 'http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentToken',
  requestTypeIssue: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue',
  /** syncml.SupportedEnrollmentVersions in Fleet's newest code. */
  supportedEnrollmentVersions: ['4.0', '5.0', '6.0', '7.0'] as readonly string[],
  /** Fleet always answers EnrollmentVersionV4. */
  enrollmentVersion: '4.0',
  authOnPremise: 'OnPremise',
  authFederated: 'Federated',
} as const;

/** The body message with this local name (null when the body has none). */
export function message(env: SoapEnvelope, localName: string): XmlEl | null {
  return env.messages.find((m) => m.localName === localName) ?? null;
}

/** Fleet's SoapRequest.isValidHeader (server/fleet/microsoft_mdm.go). */
export function headerError(env: SoapEnvelope): string | null {
  if (!env.declaresS) return 'invalid SOAP header: XMLNSS';
  if (!env.declaresA) return 'invalid SOAP header: XMLNSA';
  if (!env.header.messageId) return 'invalid SOAP header: Header.MessageID';
  if (!env.header.action) return 'invalid SOAP header: Header.Action';
  if (!env.header.replyToAddress) return 'invalid SOAP header: Header.ReplyTo';
  if (!env.header.to) return 'invalid SOAP header: Header.To';
  return null;
}

/** Fleet's isValidBody: exactly one of Discover, GetPolicies, RequestSecurityToken. */
export function bodyError(env: SoapEnvelope): string | null {
  const n = env.messages.filter((m) => ['Discover', 'GetPolicies', 'RequestSecurityToken'].includes(m.localName ?? '')).length;
  return n === 1 ? null : 'invalid SOAP body: Multiple messages or no message';
}

// ---------------------------------------------------------------------------------------------------------------
// Header security token (WS-Security)

/** Client: a header token as Windows puts it (base64 of the JWT, or base64 of Fleet's device-token JSON). */
export interface HeaderToken {
  valueType: string;
  content: string;
}

/** Fleet's SoapRequest.GetHeaderBinarySecurityToken: the token, or the error text Fleet faults with. */
export function readHeaderToken(env: SoapEnvelope): { token: BinarySecurityToken } | { error: string } {
  const sec = env.header.security;
  if (!sec || !sec.binarySecurityToken) return { error: 'binarySecurityToken is not present' };
  const t = sec.binarySecurityToken;
  if (!t.content) return { error: 'binarySecurityToken is empty' };
  if (t.encodingType !== BASE64_BINARY) return { error: 'binarySecurityToken encoding is invalid' };
  if (t.valueType !== MDE2.valueTypes.deviceEnrollmentUserToken && t.valueType !== MDE2.valueTypes.jwt) {
    return { error: 'binarySecurityToken type is invalid' };
  }
  return { token: t };
}

/** Fleet's device token (WindowsMDMAccessTokenPayload): type 1 programmatic, type 2 automatic (STS). */
export interface DeviceEnrollmentUserToken {
  type: number;
  payload: { orbit_node_key?: string; auth_token?: string };
}

/** Client: encode Fleet's device token as fleet.GetEncodedBinarySecurityToken does (base64 URL alphabet). */
export function encodeDeviceEnrollmentUserToken(t: DeviceEnrollmentUserToken): string {
  return Buffer.from(JSON.stringify({ type: t.type, payload: { orbit_node_key: t.payload.orbit_node_key ?? '', auth_token: t.payload.auth_token ?? '' } })).toString('base64url');
}
