import { describe, it, expect } from 'vitest';
import { parseSoapEnvelope, NS } from '../../../../../emulators/protocols/soap.js';
import { MDE2, readHeaderToken, encodeDeviceEnrollmentUserToken } from '../../../../../emulators/protocols/mde2/envelope.js';
import { buildGetPolicies } from '../../../../../emulators/protocols/mde2/policy.js';

const jwtToken = { valueType: MDE2.valueTypes.jwt, content: Buffer.from('a.b.c').toString('base64') };
const request = buildGetPolicies({ messageId: 'urn:uuid:2', to: 'https://m/p', token: jwtToken });

describe('WS-Security header token', () => {
  it('reads the header BinarySecurityToken with its base64 encoding type', () => {
    expect(readHeaderToken(parseSoapEnvelope(request))).toEqual({ token: { ...jwtToken, encodingType: `${NS.wsse}#base64binary` } });
  });

  it.each([
    ['absent', request.replace(/<wsse:Security[\s\S]*<\/wsse:Security>/, ''), 'binarySecurityToken is not present'],
    ['empty', request.replace(jwtToken.content, ''), 'binarySecurityToken is empty'],
    ['not base64-encoded', request.replace('#base64binary', '#hex'), 'binarySecurityToken encoding is invalid'],
    ['neither a JWT nor Fleet\'s device token', request.replace(MDE2.valueTypes.jwt, 'urn:other'), 'binarySecurityToken type is invalid'],
  ])('refuses a header token that is %s with Fleet\'s text', (_what, xml, error) => {
    expect(readHeaderToken(parseSoapEnvelope(xml))).toEqual({ error });
  });
});

describe('Fleet\'s device token', () => {
  it('encodes {type, payload} as base64url JSON, as fleet.GetEncodedBinarySecurityToken does', () => {
    const t = encodeDeviceEnrollmentUserToken({ type: 1, payload: { orbit_node_key: 'k' } });
    expect(JSON.parse(Buffer.from(t, 'base64url').toString())).toEqual({ type: 1, payload: { orbit_node_key: 'k', auth_token: '' } });
  });
});
