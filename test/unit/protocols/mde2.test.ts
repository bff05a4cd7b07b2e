import { describe, it, expect } from 'vitest';
import { parseSoapEnvelope, readSoapFault, NS } from '../../../emulators/protocols/soap.js';
import { MDE2, readHeaderToken, encodeDeviceEnrollmentUserToken } from '../../../emulators/protocols/mde2/envelope.js';
import {
  buildDiscover,
  readDiscover,
  validateDiscover,
  buildDiscoverResponse,
  readDiscoverResponse,
} from '../../../emulators/protocols/mde2/discover.js';
import {
  buildGetPolicies,
  validateGetPolicies,
  buildGetPoliciesResponse,
  readGetPoliciesResponse,
} from '../../../emulators/protocols/mde2/policy.js';
import {
  buildRequestSecurityToken,
  readRequestSecurityToken,
  validateRequestSecurityToken,
  contextItem,
  contextItems,
  buildRequestSecurityTokenResponseCollection,
  readRequestSecurityTokenResponseCollection,
} from '../../../emulators/protocols/mde2/wstep.js';
import { buildFault } from '../../../emulators/protocols/mde2/fault.js';
import {
  buildWapProvisioningDoc,
  parseWapProvisioningDoc,
  characteristic,
  findCharacteristic,
  parmValue,
} from '../../../emulators/protocols/mde2/provisioning-doc.js';

const discover = (over: Partial<Parameters<typeof buildDiscover>[0]> = {}) =>
  buildDiscover({
    messageId: 'urn:uuid:748132ec-a575-4329-b01b-6171a9cf8478',
    to: 'https://mdm.example/EnrollmentServer/Discovery.svc',
    emailAddress: '',
    requestVersion: '4.0',
    deviceType: 'CIMClient_Windows',
    applicationVersion: '10.0.19045.2006',
    osEdition: '48',
    authPolicies: ['OnPremise', 'Federated'],
    ...over,
  });

const jwtToken = { valueType: MDE2.valueTypes.jwt, content: Buffer.from('a.b.c').toString('base64') };

describe('Discover', () => {
  it('builds a request the server reads back field by field', () => {
    const env = parseSoapEnvelope(discover({ emailAddress: 'a@b.example' }));
    expect(env.header.action).toBe(MDE2.actions.discover);
    expect(readDiscover(env)).toEqual({
      xmlns: MDE2.discoveryNs,
      emailAddress: 'a@b.example',
      requestVersion: '4.0',
      deviceType: 'CIMClient_Windows',
      applicationVersion: '10.0.19045.2006',
      osEdition: '48',
      authPolicies: ['OnPremise', 'Federated'],
    });
    expect(validateDiscover(env)).toBeNull();
  });

  it('accepts RequestVersion 4.0 to 7.0 and an empty EmailAddress, refuses other versions and a missing OnPremise', () => {
    for (const v of ['4.0', '5.0', '6.0', '7.0']) expect(validateDiscover(parseSoapEnvelope(discover({ requestVersion: v })))).toBeNull();
    expect(validateDiscover(parseSoapEnvelope(discover({ requestVersion: '3.0' })))).toBe('invalid discover message: Request.RequestVersion');
    expect(validateDiscover(parseSoapEnvelope(discover({ authPolicies: ['Federated'] })))).toBe('invalid discover message: Request.AuthPolicies');
  });

  it('refuses an envelope without MessageID with Fleet\'s header text', () => {
    const env = parseSoapEnvelope(discover().replace(/<a:MessageID>.*?<\/a:MessageID>/, ''));
    expect(validateDiscover(env)).toBe('invalid discover message: invalid SOAP header: Header.MessageID');
  });

  it('writes Fleet\'s DiscoverResponse (OnPremise, 4.0, no AuthenticationServiceUrl) that the device reads back', () => {
    const xml = buildDiscoverResponse({
      relatesTo: 'urn:uuid:1',
      activityId: 'aid',
      authPolicy: 'OnPremise',
      enrollmentVersion: '4.0',
      enrollmentPolicyServiceUrl: 'https://m/api/mdm/microsoft/policy',
      enrollmentServiceUrl: 'https://m/api/mdm/microsoft/enroll',
    });
    expect(xml).toContain(`\t\t<DiscoverResponse xmlns="${MDE2.discoveryNs}">\n\t\t\t<DiscoverResult>\n\t\t\t\t<AuthPolicy>OnPremise</AuthPolicy>`);
    expect(xml).not.toContain('AuthenticationServiceUrl');
    const env = parseSoapEnvelope(xml);
    expect(env.header.action).toBe(MDE2.actions.discoverResponse);
    expect(readDiscoverResponse(env)).toEqual({
      authPolicy: 'OnPremise',
      enrollmentVersion: '4.0',
      enrollmentPolicyServiceUrl: 'https://m/api/mdm/microsoft/policy',
      enrollmentServiceUrl: 'https://m/api/mdm/microsoft/enroll',
    });
  });
});

describe('GetPolicies', () => {
  it('builds a request with the header token that passes Fleet\'s checks', () => {
    const env = parseSoapEnvelope(buildGetPolicies({ messageId: 'urn:uuid:2', to: 'https://m/p', token: jwtToken }));
    expect(validateGetPolicies(env)).toBeNull();
    expect(readHeaderToken(env)).toEqual({ token: { ...jwtToken, encodingType: `${NS.wsse}#base64binary` } });
  });

  it('reports Fleet\'s header-token errors: absent, wrong encoding, wrong type', () => {
    const base = buildGetPolicies({ messageId: 'urn:uuid:2', to: 'https://m/p', token: jwtToken });
    expect(readHeaderToken(parseSoapEnvelope(base.replace(/<wsse:Security[\s\S]*<\/wsse:Security>/, '')))).toEqual({ error: 'binarySecurityToken is not present' });
    expect(readHeaderToken(parseSoapEnvelope(base.replace('#base64binary', '#hex')))).toEqual({ error: 'binarySecurityToken encoding is invalid' });
    expect(readHeaderToken(parseSoapEnvelope(base.replace(MDE2.valueTypes.jwt, 'urn:other')))).toEqual({ error: 'binarySecurityToken type is invalid' });
  });

  it('writes Fleet\'s policy values and the device reads them', () => {
    const xml = buildGetPoliciesResponse({ relatesTo: 'urn:uuid:2' });
    expect(xml).toContain(`<s:Body xmlns:xsd="${NS.xsd}" xmlns:xsi="${NS.xsi}">`);
    expect(xml).toContain(`<policyFriendlyName xsi:nil="true" xmlns:xsi="${NS.xsi}"></policyFriendlyName>`);
    expect(xml).toContain('<provider>Microsoft Platform Crypto Provider</provider>');
    expect(readGetPoliciesResponse(parseSoapEnvelope(xml))).toEqual({
      commonName: 'FleetDMAttributes',
      minimalKeyLength: 2048,
      validityPeriodSeconds: 31536000,
      renewalPeriodSeconds: 15552000,
      hashAlgorithmOIDReference: '0',
      oids: [
        { value: '2.16.840.1.101.3.4.2.1', group: '4', oIDReferenceID: '0', defaultName: 'szOID_NIST_sha256' },
        { value: '1.2.840.113549.1.1.1', group: '3', oIDReferenceID: '1', defaultName: 'szOID_RSA_RSA' },
      ],
    });
  });
});

describe('RequestSecurityToken', () => {
  const items = [
    { name: 'MAC', value: '00-00-00-00-00-01' },
    { name: 'MAC', value: '00-00-00-00-00-02' },
    { name: 'DeviceID', value: 'AB12' },
    { name: 'HWDevID', value: 'CD34' },
    { name: 'EnrollmentType', value: 'Full' },
    { name: 'OSEdition', value: '48' },
    { name: 'OSVersion', value: '10.0.22631.2861' },
  ];
  const rst = (it = items) => parseSoapEnvelope(buildRequestSecurityToken({ messageId: 'urn:uuid:3', to: 'https://m/e', token: jwtToken, csrBase64: 'TUlJ', contextItems: it }));

  it('builds an RST that the server reads back, repeated MAC items kept in order', () => {
    const r = readRequestSecurityToken(rst())!;
    expect(r.tokenType).toBe(MDE2.tokenType);
    expect(r.requestType).toBe(MDE2.requestTypeIssue);
    expect(r.binarySecurityToken).toMatchObject({ valueType: MDE2.valueTypes.pkcs10, content: 'TUlJ' });
    expect(contextItems(r, 'MAC')).toEqual(['00-00-00-00-00-01', '00-00-00-00-00-02']);
    expect(contextItem(r, 'MAC')).toBe('00-00-00-00-00-02');
    expect(contextItem(r, 'RequestVersion')).toBeUndefined();
    expect(validateRequestSecurityToken(rst())).toBeNull();
  });

  it('refuses an EnrollmentType other than Device or Full and a missing HWDevID with Fleet\'s texts', () => {
    expect(validateRequestSecurityToken(rst(items.map((i) => (i.name === 'EnrollmentType' ? { ...i, value: 'AppManagement' } : i))))).toBe(
      'invalid requestsecuritytoken message EnrollmentType: AppManagement - <nil>',
    );
    expect(validateRequestSecurityToken(rst(items.filter((i) => i.name !== 'HWDevID')))).toBe(
      'invalid requestsecuritytoken message HWDevID:  - ContextItem item HWDevID is not present',
    );
    expect(validateRequestSecurityToken(rst([]))).toBe('invalid requestsecuritytoken message: AdditionalContext.ContextItems missing');
  });

  it('writes the RSTRC with the WS-Security timestamp and the device reads the provisioning doc back', () => {
    const doc = '<wap-provisioningdoc version="1.1"></wap-provisioningdoc>';
    const xml = buildRequestSecurityTokenResponseCollection({ relatesTo: 'urn:uuid:3', provisioningDocBase64: Buffer.from(doc).toString('base64'), created: '2026-01-15T08:55:00.000Z', expires: '2026-01-15T09:05:00.000Z' });
    expect(xml).toContain(`<o:Security xmlns:o="${NS.wsse}" s:mustUnderstand="1">\n\t\t\t<u:Timestamp u:Id="_0">\n\t\t\t\t<u:Created>2026-01-15T08:55:00.000Z</u:Created>`);
    const env = parseSoapEnvelope(xml);
    expect(env.header.action).toBe(MDE2.actions.rstrc);
    expect(readRequestSecurityTokenResponseCollection(env)).toMatchObject({ tokenType: MDE2.tokenType, valueType: MDE2.valueTypes.provisionDoc, provisioningDocXml: doc });
  });
});

describe('faults', () => {
  it('uses the Action of the endpoint that failed and invalid_message_id when the request had none', () => {
    for (const [kind, action] of [['discovery', MDE2.actions.discoverResponse], ['policy', MDE2.actions.getPoliciesResponse], ['enrollment', MDE2.actions.rstrc], ['other', MDE2.actions.diagnostics]] as const) {
      const env = parseSoapEnvelope(buildFault({ kind, relatesTo: '', activityId: 'x', reason: 'r' }));
      expect(env.header.action).toBe(action);
      expect(readSoapFault(env)).toEqual({ code: 's:receiver', subcode: 's:messageformat', reason: 'r' });
    }
    expect(buildFault({ kind: 'policy', relatesTo: '', activityId: 'x', reason: 'r' })).toContain('<a:RelatesTo>invalid_message_id</a:RelatesTo>');
  });
});

describe('wap-provisioningdoc', () => {
  const doc = [
    characteristic('CertificateStore', [], [characteristic('Root', [], [characteristic('System', [], [characteristic('ABCD', [{ name: 'EncodedCertificate', value: 'TUlJ' }])])])]),
    characteristic('APPLICATION', [{ name: 'APPID', value: 'w7' }, { name: 'BACKCOMPATRETRYDISABLED' }, { name: 'CONNRETRYFREQ', value: '6' }]),
  ];

  it('serialises as Fleet: XML header, two-space indents kept, newlines and tabs removed, explicit end tags', () => {
    expect(buildWapProvisioningDoc(doc)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><wap-provisioningdoc version="1.1">  <characteristic type="CertificateStore">    <characteristic type="Root">      <characteristic type="System">        <characteristic type="ABCD">          <parm name="EncodedCertificate" value="TUlJ"></parm>        </characteristic>      </characteristic>    </characteristic>  </characteristic>  <characteristic type="APPLICATION">    <parm name="APPID" value="w7"></parm>    <parm name="BACKCOMPATRETRYDISABLED"></parm>    <parm name="CONNRETRYFREQ" value="6"></parm>  </characteristic></wap-provisioningdoc>',
    );
  });

  it('parses back into the same characteristic tree', () => {
    const parsed = parseWapProvisioningDoc(buildWapProvisioningDoc(doc));
    expect(parsed.version).toBe('1.1');
    expect(parmValue(findCharacteristic(parsed.characteristics, 'CertificateStore', 'Root', 'System', 'ABCD'), 'EncodedCertificate')).toBe('TUlJ');
    expect(findCharacteristic(parsed.characteristics, 'APPLICATION')!.parms).toEqual([{ name: 'APPID', value: 'w7' }, { name: 'BACKCOMPATRETRYDISABLED' }, { name: 'CONNRETRYFREQ', value: '6' }]);
  });
});

describe('Fleet\'s device token', () => {
  it('encodes {type, payload} as base64url JSON, as fleet.GetEncodedBinarySecurityToken does', () => {
    const t = encodeDeviceEnrollmentUserToken({ type: 1, payload: { orbit_node_key: 'k' } });
    expect(JSON.parse(Buffer.from(t, 'base64url').toString())).toEqual({ type: 1, payload: { orbit_node_key: 'k', auth_token: '' } });
  });
});
