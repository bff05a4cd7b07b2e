import { describe, it, expect } from 'vitest';
import { parseSoapEnvelope, NS } from '../../../../../emulators/protocols/soap.js';
import { MDE2 } from '../../../../../emulators/protocols/mde2/envelope.js';
import {
  buildGetPolicies,
  validateGetPolicies,
  buildGetPoliciesResponse,
  readGetPoliciesResponse,
} from '../../../../../emulators/protocols/mde2/policy.js';
import { mde2Fixture } from '../../../../fixtures/mde2/fixtures.js';

const jwtToken = { valueType: MDE2.valueTypes.jwt, content: Buffer.from('a.b.c').toString('base64') };

describe('GetPolicies request (MS-XCEP 3.1.4.1)', () => {
  it('decodes the captured Windows GetPolicies: action, addressing and the header token', () => {
    const env = parseSoapEnvelope(mde2Fixture('get-policies.xml'));
    expect(env.header).toMatchObject({ action: MDE2.actions.getPolicies, messageId: '__MESSAGE_ID__', to: '__POLICY_URL__' });
    expect(env.header.security?.binarySecurityToken).toEqual({ valueType: '__VALUE_TYPE__', encodingType: `${NS.wsse}#base64binary`, content: '__TOKEN__' });
  });

  it('encodes the decoded Windows GetPolicies back to the same bytes', () => {
    const xml = mde2Fixture('get-policies.xml');
    const env = parseSoapEnvelope(xml);
    expect(buildGetPolicies({ messageId: env.header.messageId, to: env.header.to, token: env.header.security!.binarySecurityToken! })).toBe(xml);
  });

  it('passes Fleet\'s IsValidGetPolicyMsg', () => {
    expect(validateGetPolicies(parseSoapEnvelope(buildGetPolicies({ messageId: 'urn:uuid:2', to: 'https://m/p', token: jwtToken })))).toBeNull();
  });
});

describe('GetPoliciesResponse (MS-XCEP 3.1.4.1)', () => {
  it('is written in Fleet\'s shape: xsd/xsi on s:Body, nil elements, both key storage providers', () => {
    const xml = buildGetPoliciesResponse({ relatesTo: 'urn:uuid:2' });
    expect(xml).toContain(`<s:Body xmlns:xsd="${NS.xsd}" xmlns:xsi="${NS.xsi}">`);
    expect(xml).toContain(`<policyFriendlyName xsi:nil="true" xmlns:xsi="${NS.xsi}"></policyFriendlyName>`);
    expect(xml).toContain('<provider>Microsoft Platform Crypto Provider</provider>');
  });

  it('is read back by the device: Fleet\'s key length, validity, renewal and OIDs', () => {
    expect(readGetPoliciesResponse(parseSoapEnvelope(buildGetPoliciesResponse({ relatesTo: 'urn:uuid:2' })))).toEqual({
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
