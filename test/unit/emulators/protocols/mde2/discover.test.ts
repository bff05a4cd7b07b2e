import { describe, it, expect } from 'vitest';
import { parseSoapEnvelope } from '../../../../../emulators/protocols/soap.js';
import { MDE2 } from '../../../../../emulators/protocols/mde2/envelope.js';
import {
  buildDiscover,
  readDiscover,
  validateDiscover,
  buildDiscoverResponse,
  readDiscoverResponse,
} from '../../../../../emulators/protocols/mde2/discover.js';
import { mde2Fixture } from '../../../../fixtures/mde2/fixtures.js';

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

const response = () =>
  buildDiscoverResponse({
    relatesTo: 'urn:uuid:1',
    activityId: 'aid',
    authPolicy: 'OnPremise',
    enrollmentVersion: '4.0',
    enrollmentPolicyServiceUrl: 'https://m/api/mdm/microsoft/policy',
    enrollmentServiceUrl: 'https://m/api/mdm/microsoft/enroll',
  });

describe('Discover request (MS-MDE2 3.1.4.1)', () => {
  it('decodes the captured Windows Discover into its fields', () => {
    const env = parseSoapEnvelope(mde2Fixture('discover.xml'));
    expect(env.header.action).toBe(MDE2.actions.discover);
    expect(readDiscover(env)).toEqual({
      xmlns: MDE2.discoveryNs,
      emailAddress: 'alex@contoso.example',
      requestVersion: '4.0',
      deviceType: 'CIMClient_Windows',
      applicationVersion: '10.0.19045.2364',
      osEdition: '72',
      authPolicies: ['OnPremise', 'Federated'],
    });
  });

  it('encodes the decoded Windows Discover back to the same bytes', () => {
    const xml = mde2Fixture('discover.xml');
    const env = parseSoapEnvelope(xml);
    const { xmlns: _, ...fields } = readDiscover(env)!;
    expect(buildDiscover({ messageId: env.header.messageId, to: env.header.to, ...fields })).toBe(xml);
  });

  it('passes Fleet\'s IsValidDiscoveryMsg', () => {
    expect(validateDiscover(parseSoapEnvelope(discover()))).toBeNull();
  });

  it('accepts every RequestVersion from 4.0 to 7.0', () => {
    for (const v of ['4.0', '5.0', '6.0', '7.0']) expect(validateDiscover(parseSoapEnvelope(discover({ requestVersion: v })))).toBeNull();
  });

  it('refuses another RequestVersion with Fleet\'s text', () => {
    expect(validateDiscover(parseSoapEnvelope(discover({ requestVersion: '3.0' })))).toBe('invalid discover message: Request.RequestVersion');
  });

  it('refuses AuthPolicies without OnPremise with Fleet\'s text', () => {
    expect(validateDiscover(parseSoapEnvelope(discover({ authPolicies: ['Federated'] })))).toBe('invalid discover message: Request.AuthPolicies');
  });

  it('refuses an envelope without MessageID with Fleet\'s header text', () => {
    const env = parseSoapEnvelope(discover().replace(/<a:MessageID>.*?<\/a:MessageID>/, ''));
    expect(validateDiscover(env)).toBe('invalid discover message: invalid SOAP header: Header.MessageID');
  });
});

describe('DiscoverResponse (MS-MDE2 3.1.4.1)', () => {
  it('is written in Fleet\'s shape: tab indents, OnPremise, no AuthenticationServiceUrl', () => {
    const xml = response();
    expect(xml).toContain(`\t\t<DiscoverResponse xmlns="${MDE2.discoveryNs}">\n\t\t\t<DiscoverResult>\n\t\t\t\t<AuthPolicy>OnPremise</AuthPolicy>`);
    expect(xml).not.toContain('AuthenticationServiceUrl');
  });

  it('is read back by the device: the policy and enrollment service URLs', () => {
    const env = parseSoapEnvelope(response());
    expect(env.header.action).toBe(MDE2.actions.discoverResponse);
    expect(readDiscoverResponse(env)).toEqual({
      authPolicy: 'OnPremise',
      enrollmentVersion: '4.0',
      enrollmentPolicyServiceUrl: 'https://m/api/mdm/microsoft/policy',
      enrollmentServiceUrl: 'https://m/api/mdm/microsoft/enroll',
    });
  });
});
