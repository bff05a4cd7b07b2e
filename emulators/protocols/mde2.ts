import type { Element } from '@xmldom/xmldom';
import {
  NS,
  BASE64_BINARY,
  attr,
  child,
  childElements,
  el,
  path,
  text,
  escapeXml,
  marshalIndent,
  buildRequestEnvelope,
  buildResponseEnvelope,
  renderResponse,
  soapFaultBody,
  parseXml,
  FAULT_SUBCODES,
  type SoapEnvelope,
  type BinarySecurityToken,
  type XmlElement,
} from './soap.js';

/**
 * MS-MDE2 enrollment messages (reference/entra-mde2.md §7, reference/fleet.md §2.2–§2.8): Discover, GetPolicies
 * (MS-XCEP), RequestSecurityToken (MS-WSTEP) and the wap-provisioningdoc. Builders AND readers for both sides:
 * the virtual device builds requests and reads responses, the MDM server reads requests and builds responses.
 * Server responses follow Fleet's byte shape (Go xml.MarshalIndent); client requests follow Windows' shape.
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

/** Which request a fault answers: it picks the fault's Action (fleet.md §2.8). */
export type Mde2MessageKind = 'discovery' | 'policy' | 'enrollment' | 'other';

const FAULT_ACTION: Record<Mde2MessageKind, string> = {
  discovery: MDE2.actions.discoverResponse,
  policy: MDE2.actions.getPoliciesResponse,
  enrollment: MDE2.actions.rstrc,
  other: MDE2.actions.diagnostics,
};

// =================================================================================================================
// Discover (MS-MDE2 3.1.4.1)

export interface DiscoverRequest {
  emailAddress: string;
  requestVersion: string;
  deviceType: string;
  applicationVersion: string;
  osEdition: string;
  authPolicies: string[];
}

/** Client: a Discover request envelope, as Windows' enrollment client sends it. */
export function buildDiscover(o: { messageId: string; to: string } & DiscoverRequest): string {
  const policies = o.authPolicies.map((p) => `<AuthPolicy>${escapeXml(p)}</AuthPolicy>`).join('');
  const body =
    `<Discover xmlns="${MDE2.discoveryNs}"><request xmlns:i="${NS.xsi}">` +
    `<EmailAddress>${escapeXml(o.emailAddress)}</EmailAddress>` +
    `<RequestVersion>${escapeXml(o.requestVersion)}</RequestVersion>` +
    `<DeviceType>${escapeXml(o.deviceType)}</DeviceType>` +
    `<ApplicationVersion>${escapeXml(o.applicationVersion)}</ApplicationVersion>` +
    `<OSEdition>${escapeXml(o.osEdition)}</OSEdition>` +
    `<AuthPolicies>${policies}</AuthPolicies>` +
    `</request></Discover>`;
  return buildRequestEnvelope({ action: MDE2.actions.discover, messageId: o.messageId, to: o.to, bodyXml: body });
}

function message(env: SoapEnvelope, localName: string): Element | null {
  return env.messages.find((m) => m.localName === localName) ?? null;
}

/** Server: the Discover message's fields (null when the body has no Discover). */
export function readDiscover(env: SoapEnvelope): (DiscoverRequest & { xmlns: string }) | null {
  const d = message(env, 'Discover');
  if (!d) return null;
  const r = child(d, 'request');
  return {
    xmlns: attr(d, 'xmlns'),
    emailAddress: text(child(r, 'EmailAddress')).trim(),
    requestVersion: text(child(r, 'RequestVersion')).trim(),
    deviceType: text(child(r, 'DeviceType')).trim(),
    applicationVersion: text(child(r, 'ApplicationVersion')).trim(),
    osEdition: text(child(r, 'OSEdition')).trim(),
    authPolicies: childElements(child(r, 'AuthPolicies'), 'AuthPolicy').map((p) => text(p).trim()),
  };
}

/** Fleet's SoapRequest.isValidHeader (server/fleet/microsoft_mdm.go). */
function headerError(env: SoapEnvelope): string | null {
  if (!env.declaresS) return 'invalid SOAP header: XMLNSS';
  if (!env.declaresA) return 'invalid SOAP header: XMLNSA';
  if (!env.header.messageId) return 'invalid SOAP header: Header.MessageID';
  if (!env.header.action) return 'invalid SOAP header: Header.Action';
  if (!env.header.replyToAddress) return 'invalid SOAP header: Header.ReplyTo';
  if (!env.header.to) return 'invalid SOAP header: Header.To';
  return null;
}

/** Fleet's isValidBody: exactly one of Discover, GetPolicies, RequestSecurityToken. */
function bodyError(env: SoapEnvelope): string | null {
  const n = env.messages.filter((m) => ['Discover', 'GetPolicies', 'RequestSecurityToken'].includes(m.localName ?? '')).length;
  return n === 1 ? null : 'invalid SOAP body: Multiple messages or no message';
}

/** Fleet's IsValidDiscoveryMsg: the error text of the first failed check, or null. */
export function validateDiscover(env: SoapEnvelope): string | null {
  const h = headerError(env) ?? bodyError(env);
  if (h) return `invalid discover message: ${h}`;
  const d = readDiscover(env);
  if (!d) return 'invalid discover message: Discover message not present';
  if (!d.xmlns) return 'invalid discover message: XMLNS';
  if (!MDE2.supportedEnrollmentVersions.includes(d.requestVersion)) return 'invalid discover message: Request.RequestVersion';
  if (!d.authPolicies.includes(MDE2.authOnPremise)) return 'invalid discover message: Request.AuthPolicies';
  return null;
}

export interface DiscoverResult {
  authPolicy: string;
  enrollmentVersion: string;
  enrollmentPolicyServiceUrl: string;
  enrollmentServiceUrl: string;
  /** Fleet never sends it (the field is a nil pointer). */
  authenticationServiceUrl?: string;
}

/** Server: a DiscoverResponse envelope in Fleet's shape (GetMDMMicrosoftDiscoveryResponse + NewSoapResponse). */
export function buildDiscoverResponse(o: { relatesTo: string; activityId: string } & DiscoverResult): string {
  const result: XmlElement[] = [
    el('AuthPolicy', null, o.authPolicy),
    el('EnrollmentVersion', null, o.enrollmentVersion),
    el('EnrollmentPolicyServiceUrl', null, o.enrollmentPolicyServiceUrl),
    el('EnrollmentServiceUrl', null, o.enrollmentServiceUrl),
  ];
  if (o.authenticationServiceUrl !== undefined) result.push(el('AuthenticationServiceUrl', null, o.authenticationServiceUrl));
  return renderResponse(
    buildResponseEnvelope({
      action: MDE2.actions.discoverResponse,
      relatesTo: o.relatesTo,
      activityId: o.activityId,
      body: el('DiscoverResponse', [['xmlns', MDE2.discoveryNs]], [el('DiscoverResult', null, result)]),
    }),
  );
}

/** Client: read a DiscoverResponse (null when the body has none). */
export function readDiscoverResponse(env: SoapEnvelope): DiscoverResult | null {
  const r = path(message(env, 'DiscoverResponse'), 'DiscoverResult');
  if (!r) return null;
  const auth = child(r, 'AuthenticationServiceUrl');
  return {
    authPolicy: text(child(r, 'AuthPolicy')).trim(),
    enrollmentVersion: text(child(r, 'EnrollmentVersion')).trim(),
    enrollmentPolicyServiceUrl: text(child(r, 'EnrollmentPolicyServiceUrl')).trim(),
    enrollmentServiceUrl: text(child(r, 'EnrollmentServiceUrl')).trim(),
    ...(auth ? { authenticationServiceUrl: text(auth).trim() } : {}),
  };
}

// =================================================================================================================
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

// =================================================================================================================
// GetPolicies (MS-XCEP 3.1.4.1)

/** Client: a GetPolicies request envelope with the header token. */
export function buildGetPolicies(o: { messageId: string; to: string; token: HeaderToken }): string {
  const nil = `xsi:nil="true" xmlns:xsi="${NS.xsi}"`;
  const body =
    `<GetPolicies xmlns="${MDE2.policyNs}">` +
    `<client><lastUpdate ${nil}></lastUpdate><preferredLanguage ${nil}></preferredLanguage></client>` +
    `<requestFilter ${nil}></requestFilter>` +
    `</GetPolicies>`;
  return buildRequestEnvelope({ action: MDE2.actions.getPolicies, messageId: o.messageId, to: o.to, token: o.token, bodyXml: body });
}

/** Fleet's IsValidGetPolicyMsg (note Fleet's double space in two of the texts). */
export function validateGetPolicies(env: SoapEnvelope): string | null {
  const h = headerError(env);
  if (h) return `invalid getpolicies message:  ${h}`;
  const b = bodyError(env);
  if (b) return `invalid getpolicies message: ${b}`;
  const g = message(env, 'GetPolicies');
  if (!g) return 'invalid getpolicies message:  GetPolicies message not present';
  if (!attr(g, 'xmlns')) return 'invalid getpolicies message: XMLNS';
  return null;
}

/** Fleet's NewGetPoliciesResponse(2048, 31536000, 15552000) values (syncml.Policy*). */
export const FLEET_POLICY = { minimalKeyLength: '2048', validityPeriodSeconds: '31536000', renewalPeriodSeconds: '15552000' } as const;

/** Server: a GetPoliciesResponse envelope in Fleet's shape. */
export function buildGetPoliciesResponse(o: { relatesTo: string }): string {
  const nilNs = (name: string) => el(name, [['xsi:nil', 'true'], ['xmlns:xsi', NS.xsi]], '');
  const nil = (name: string) => el(name, [['xsi:nil', 'true']], '');
  const oid = (value: string, group: string, ref: string, name: string) =>
    el('oID', null, [el('value', null, value), el('group', null, group), el('oIDReferenceID', null, ref), el('defaultName', null, name)]);
  const body = el('GetPoliciesResponse', [['xmlns', MDE2.policyNs]], [
    el('response', null, [
      el('policyID', null, ''),
      nilNs('policyFriendlyName'),
      nilNs('nextUpdateHours'),
      nilNs('policiesNotChanged'),
      el('policies', null, [
        el('policy', null, [
          el('policyOIDReference', null, '0'),
          nil('cAs'),
          el('attributes', null, [
            el('commonName', null, 'FleetDMAttributes'),
            el('policySchema', null, '3'),
            el('certificateValidity', null, [
              el('validityPeriodSeconds', null, FLEET_POLICY.validityPeriodSeconds),
              el('renewalPeriodSeconds', null, FLEET_POLICY.renewalPeriodSeconds),
            ]),
            el('permission', null, [el('enroll', null, 'true'), el('autoEnroll', null, 'false')]),
            el('privateKeyAttributes', null, [
              el('minimalKeyLength', null, FLEET_POLICY.minimalKeyLength),
              nil('keySpec'),
              nil('keyUsageProperty'),
              nil('permissions'),
              nil('algorithmOIDReference'),
              el('provider', null, 'Microsoft Platform Crypto Provider'),
              el('provider', null, 'Microsoft Software Key Storage Provider'),
            ]),
            el('revision', null, [el('majorRevision', null, '101'), el('minorRevision', null, '0')]),
            nil('supersededPolicies'),
            nil('privateKeyFlags'),
            nil('subjectNameFlags'),
            nil('enrollmentFlags'),
            nil('generalFlags'),
            el('hashAlgorithmOIDReference', null, '0'),
            nil('rARequirements'),
            nil('keyArchivalAttributes'),
            nil('extensions'),
          ]),
        ]),
      ]),
    ]),
    el('oIDs', null, [
      // MS-XCEP 3.1.4.1.3.16 OIDs Fleet lists: SHA-256 and RSA.
      oid('2.16.840.1.101.3.4.2.1', '4', '0', 'szOID_NIST_sha256'),
      oid('1.2.840.113549.1.1.1', '3', '1', 'szOID_RSA_RSA'),
    ]),
  ]);
  return renderResponse(
    buildResponseEnvelope({
      action: MDE2.actions.getPoliciesResponse,
      relatesTo: o.relatesTo,
      declareU: true,
      bodyAttrs: [
        ['xmlns:xsd', NS.xsd],
        ['xmlns:xsi', NS.xsi],
      ],
      body,
    }),
  );
}

export interface PolicyAttributes {
  commonName: string;
  minimalKeyLength: number;
  validityPeriodSeconds: number;
  renewalPeriodSeconds: number;
  /** OIDs by reference id. */
  oids: { value: string; group: string; oIDReferenceID: string; defaultName: string }[];
  hashAlgorithmOIDReference: string;
}

/** Client: read the first policy of a GetPoliciesResponse (null when the body has none). */
export function readGetPoliciesResponse(env: SoapEnvelope): PolicyAttributes | null {
  const g = message(env, 'GetPoliciesResponse');
  if (!g) return null;
  const a = path(g, 'response', 'policies', 'policy', 'attributes');
  return {
    commonName: text(child(a, 'commonName')).trim(),
    minimalKeyLength: Number(text(path(a, 'privateKeyAttributes', 'minimalKeyLength')).trim() || '0'),
    validityPeriodSeconds: Number(text(path(a, 'certificateValidity', 'validityPeriodSeconds')).trim() || '0'),
    renewalPeriodSeconds: Number(text(path(a, 'certificateValidity', 'renewalPeriodSeconds')).trim() || '0'),
    hashAlgorithmOIDReference: text(child(a, 'hashAlgorithmOIDReference')).trim(),
    oids: childElements(child(g, 'oIDs'), 'oID').map((o) => ({
      value: text(child(o, 'value')).trim(),
      group: text(child(o, 'group')).trim(),
      oIDReferenceID: text(child(o, 'oIDReferenceID')).trim(),
      defaultName: text(child(o, 'defaultName')).trim(),
    })),
  };
}

// =================================================================================================================
// RequestSecurityToken (MS-WSTEP)

export interface ContextItem {
  name: string;
  value: string;
}

export interface RequestSecurityToken {
  tokenType: string;
  requestType: string;
  binarySecurityToken: BinarySecurityToken;
  /** In document order; names may repeat (MAC). */
  contextItems: ContextItem[];
}

/** Client: an RST envelope with the CSR (base64 DER) and AdditionalContext items in the given order. */
export function buildRequestSecurityToken(o: {
  messageId: string;
  to: string;
  token: HeaderToken;
  csrBase64: string;
  contextItems: ContextItem[];
  valueType?: string;
}): string {
  const items = o.contextItems
    .map((c) => `<ac:ContextItem Name="${escapeXml(c.name)}"><ac:Value>${escapeXml(c.value)}</ac:Value></ac:ContextItem>`)
    .join('');
  const body =
    `<wst:RequestSecurityToken>` +
    `<wst:TokenType>${MDE2.tokenType}</wst:TokenType>` +
    `<wst:RequestType>${MDE2.requestTypeIssue}</wst:RequestType>` +
    `<wsse:BinarySecurityToken ValueType="${o.valueType ?? MDE2.valueTypes.pkcs10}" EncodingType="${BASE64_BINARY}">${escapeXml(o.csrBase64)}</wsse:BinarySecurityToken>` +
    `<ac:AdditionalContext xmlns="${NS.ac}">${items}</ac:AdditionalContext>` +
    `</wst:RequestSecurityToken>`;
  return buildRequestEnvelope({ action: MDE2.actions.requestSecurityToken, messageId: o.messageId, to: o.to, token: o.token, bodyXml: body });
}

/** Server: the RST's fields (null when the body has no RequestSecurityToken). */
export function readRequestSecurityToken(env: SoapEnvelope): RequestSecurityToken | null {
  const r = message(env, 'RequestSecurityToken');
  if (!r) return null;
  const bst = child(r, 'BinarySecurityToken');
  return {
    tokenType: text(child(r, 'TokenType')).trim(),
    requestType: text(child(r, 'RequestType')).trim(),
    binarySecurityToken: { valueType: attr(bst, 'ValueType'), encodingType: attr(bst, 'EncodingType'), content: text(bst).trim() },
    contextItems: childElements(child(r, 'AdditionalContext'), 'ContextItem').map((c) => ({ name: attr(c, 'Name'), value: text(child(c, 'Value')) })),
  };
}

/** Fleet's GetContextItem: the items go into a map, so the LAST item of a repeated name wins. */
export function contextItem(rst: RequestSecurityToken, name: string): string | undefined {
  let v: string | undefined;
  for (const c of rst.contextItems) if (c.name === name) v = c.value;
  return v;
}

/** Every value of a repeatable item (MAC, IMEI). */
export function contextItems(rst: RequestSecurityToken, name: string): string[] {
  return rst.contextItems.filter((c) => c.name === name).map((c) => c.value);
}

/** Fleet's IsValidRequestSecurityTokenMsg: the error text of the first failed check, or null. */
export function validateRequestSecurityToken(env: SoapEnvelope): string | null {
  const h = headerError(env) ?? bodyError(env);
  if (h) return `invalid requestsecuritytoken message: ${h}`;
  const r = readRequestSecurityToken(env);
  if (!r) return 'invalid requestsecuritytoken message: RequestSecurityToken message not present';
  if (!r.tokenType) return 'invalid requestsecuritytoken message: TokenType';
  if (!r.requestType) return 'invalid requestsecuritytoken message: RequestType';
  const vt = r.binarySecurityToken.valueType;
  if (!vt) return 'invalid requestsecuritytoken message: BinarySecurityToken.ValueType';
  if (vt !== MDE2.valueTypes.pkcs10 && vt !== MDE2.valueTypes.pkcs7) {
    return 'invalid requestsecuritytoken message: BinarySecurityToken.EncodingType not supported';
  }
  if (!r.binarySecurityToken.content) return 'invalid requestsecuritytoken message: BinarySecurityToken.Content';
  if (r.contextItems.length === 0) return 'invalid requestsecuritytoken message: AdditionalContext.ContextItems missing';
  const item = (name: string) => {
    const v = contextItem(r, name);
    return { v: v ?? '', err: v === undefined ? `ContextItem item ${name} is not present` : '<nil>' };
  };
  const et = item('EnrollmentType');
  if (et.v !== 'Device' && et.v !== 'Full') return `invalid requestsecuritytoken message EnrollmentType: ${et.v} - ${et.err}`;
  for (const name of ['DeviceID', 'HWDevID', 'OSEdition', 'OSVersion']) {
    const it = item(name);
    if (!it.v) return `invalid requestsecuritytoken message ${name}: ${it.v} - ${it.err}`;
  }
  return null;
}

/** Server: the RSTRC envelope carrying the provisioning doc (NewRequestSecurityTokenResponseCollection). */
export function buildRequestSecurityTokenResponseCollection(o: {
  relatesTo: string;
  provisioningDocBase64: string;
  /** WS-Security timestamp window, already formatted 2006-01-02T15:04:05.000Z. */
  created: string;
  expires: string;
}): string {
  const body = el('RequestSecurityTokenResponseCollection', [['xmlns', NS.wst]], [
    el('RequestSecurityTokenResponse', null, [
      el('TokenType', null, MDE2.tokenType),
      el('DispositionMessage', [['xmlns', MDE2.enrollmentNs]], ''),
      el('RequestedSecurityToken', null, [
        el(
          'BinarySecurityToken',
          [
            ['xmlns', NS.wsse],
            ['ValueType', MDE2.valueTypes.provisionDoc],
            ['EncodingType', BASE64_BINARY],
          ],
          o.provisioningDocBase64,
        ),
      ]),
      el('RequestID', [['xmlns', MDE2.enrollmentNs]], '0'),
    ]),
  ]);
  return renderResponse(
    buildResponseEnvelope({
      action: MDE2.actions.rstrc,
      relatesTo: o.relatesTo,
      declareU: true,
      timestamp: { created: o.created, expires: o.expires },
      body,
    }),
  );
}

export interface RequestSecurityTokenResponse {
  tokenType: string;
  valueType: string;
  provisioningDocBase64: string;
  /** The decoded wap-provisioningdoc XML text. */
  provisioningDocXml: string;
}

/** Client: read the RSTRC (null when the body has none). */
export function readRequestSecurityTokenResponseCollection(env: SoapEnvelope): RequestSecurityTokenResponse | null {
  const r = child(message(env, 'RequestSecurityTokenResponseCollection'), 'RequestSecurityTokenResponse');
  if (!r) return null;
  const bst = path(r, 'RequestedSecurityToken', 'BinarySecurityToken');
  const b64 = text(bst).trim();
  return {
    tokenType: text(child(r, 'TokenType')).trim(),
    valueType: attr(bst, 'ValueType'),
    provisioningDocBase64: b64,
    provisioningDocXml: Buffer.from(b64, 'base64').toString('utf8'),
  };
}

// =================================================================================================================
// Faults

/** Server: a fault envelope exactly as Fleet sends it (HTTP 200; fleet.md §2.8). */
export function buildFault(o: { kind: Mde2MessageKind; relatesTo: string; activityId: string; reason: string; subcode?: string }): string {
  return renderResponse(
    buildResponseEnvelope({
      action: FAULT_ACTION[o.kind],
      relatesTo: o.relatesTo || 'invalid_message_id',
      activityId: o.activityId,
      body: soapFaultBody(o.subcode ?? FAULT_SUBCODES.messageFormat, o.reason),
    }),
  );
}

// =================================================================================================================
// wap-provisioningdoc (MS-MDE2 2.2.9.1; Fleet's doc in fleet.md §2.6)

export interface WapParm {
  name: string;
  value?: string;
  datatype?: string;
}

export interface WapCharacteristic {
  type: string;
  parms: WapParm[];
  characteristics: WapCharacteristic[];
}

export function characteristic(type: string, parms: WapParm[] = [], characteristics: WapCharacteristic[] = []): WapCharacteristic {
  return { type, parms, characteristics };
}

function toXmlElement(c: WapCharacteristic): XmlElement {
  const parms = c.parms.map((p) => {
    const attrs: [string, string][] = [];
    // Fleet's Param fields are all `omitempty`.
    if (p.name) attrs.push(['name', p.name]);
    if (p.value) attrs.push(['value', p.value]);
    if (p.datatype) attrs.push(['datatype', p.datatype]);
    return el('parm', attrs, '');
  });
  return el('characteristic', [['type', c.type]], [...parms, ...c.characteristics.map(toXmlElement)]);
}

/**
 * Serialise a provisioning doc as Fleet's WapProvisioningDoc.GetEncodedB64Representation does before base64:
 * xml.Header + MarshalIndent(doc, "", "  ") with every "\n" and "\t" removed (the two-space indents stay).
 */
export function buildWapProvisioningDoc(characteristics: WapCharacteristic[], version = '1.1'): string {
  const doc = el('wap-provisioningdoc', [['version', version]], characteristics.map(toXmlElement));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${marshalIndent(doc, '  ')}`.replace(/[\n\t]/g, '');
}

function readCharacteristic(e: Element): WapCharacteristic {
  return {
    type: attr(e, 'type'),
    parms: childElements(e, 'parm').map((p) => {
      const parm: WapParm = { name: attr(p, 'name') };
      if (p.hasAttribute('value')) parm.value = attr(p, 'value');
      if (p.hasAttribute('datatype')) parm.datatype = attr(p, 'datatype');
      return parm;
    }),
    characteristics: childElements(e, 'characteristic').map(readCharacteristic),
  };
}

/** Client: parse a wap-provisioningdoc into its characteristic tree. */
export function parseWapProvisioningDoc(xml: string): { version: string; characteristics: WapCharacteristic[] } {
  const root = parseXml(xml);
  if (root.localName !== 'wap-provisioningdoc') throw new Error(`not a wap-provisioningdoc: <${root.localName}>`);
  return { version: attr(root, 'version'), characteristics: childElements(root, 'characteristic').map(readCharacteristic) };
}

/** Follow characteristic types from a list of roots: findCharacteristic(doc, 'CertificateStore', 'Root', 'System'). */
export function findCharacteristic(roots: WapCharacteristic[], ...types: string[]): WapCharacteristic | null {
  let level = roots;
  let found: WapCharacteristic | null = null;
  for (const t of types) {
    found = level.find((c) => c.type === t) ?? null;
    if (!found) return null;
    level = found.characteristics;
  }
  return found;
}

export function parmValue(c: WapCharacteristic | null, name: string): string | undefined {
  return c?.parms.find((p) => p.name === name)?.value;
}

/** Client: what a device takes from Fleet's doc: certificates, the DM server address and the DM credentials. */
export interface ProvisionedEnrollment {
  rootThumbprint: string;
  rootCertBase64: string;
  clientStore: 'User' | 'System';
  clientThumbprint: string;
  clientCertBase64: string;
  providerId: string;
  managementUrl: string;
  /** APPAUTH with AAUTHLEVEL APPSRV: what the client sends (AAUTHNAME = DeviceID, AAUTHSECRET = password). */
  dmUsername: string;
  dmPassword: string;
  /** APPAUTH with AAUTHLEVEL CLIENT: the server's secret for authenticating itself. */
  serverSecret: string;
  poll: Record<string, string>;
}

export function readProvisionedEnrollment(doc: { characteristics: WapCharacteristic[] }): ProvisionedEnrollment {
  const roots = doc.characteristics;
  const root = findCharacteristic(roots, 'CertificateStore', 'Root', 'System')?.characteristics[0];
  const my = findCharacteristic(roots, 'CertificateStore', 'My');
  const store = my?.characteristics.find((c) => c.type === 'User' || c.type === 'System');
  const client = store?.characteristics.find((c) => c.type !== 'PrivateKeyContainer');
  const app = findCharacteristic(roots, 'APPLICATION');
  const appauth = (level: string) => app?.characteristics.find((c) => c.type === 'APPAUTH' && parmValue(c, 'AAUTHLEVEL') === level) ?? null;
  const providerId = parmValue(app, 'PROVIDER-ID') ?? '';
  const poll = findCharacteristic(roots, 'DMClient', 'Provider', providerId, 'Poll');
  if (!root || !client || !store || !app) throw new Error('provisioning doc lacks the certificate store or the APPLICATION characteristic');
  return {
    rootThumbprint: root.type,
    rootCertBase64: parmValue(root, 'EncodedCertificate') ?? '',
    clientStore: store.type === 'System' ? 'System' : 'User',
    clientThumbprint: client.type,
    clientCertBase64: parmValue(client, 'EncodedCertificate') ?? '',
    providerId,
    managementUrl: parmValue(app, 'ADDR') ?? '',
    dmUsername: parmValue(appauth('APPSRV'), 'AAUTHNAME') ?? '',
    dmPassword: parmValue(appauth('APPSRV'), 'AAUTHSECRET') ?? '',
    serverSecret: parmValue(appauth('CLIENT'), 'AAUTHSECRET') ?? '',
    poll: Object.fromEntries((poll?.parms ?? []).map((p) => [p.name, p.value ?? ''])),
  };
}
