import { describe, it, expect } from 'vitest';
import { parseSoapEnvelope, NS } from '../../../../../emulators/protocols/soap.js';
import { MDE2 } from '../../../../../emulators/protocols/mde2/envelope.js';
import {
  buildRequestSecurityToken,
  readRequestSecurityToken,
  validateRequestSecurityToken,
  contextItem,
  contextItems,
  buildRequestSecurityTokenResponseCollection,
  readRequestSecurityTokenResponseCollection,
} from '../../../../../emulators/protocols/mde2/wstep.js';
import { mde2Fixture } from '../../../../fixtures/mde2/fixtures.js';

const jwtToken = { valueType: MDE2.valueTypes.jwt, content: Buffer.from('a.b.c').toString('base64') };
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

describe('RequestSecurityToken (MS-WSTEP)', () => {
  it('decodes the captured Windows RST: PKCS#10 token and AdditionalContext items in document order', () => {
    const r = readRequestSecurityToken(parseSoapEnvelope(mde2Fixture('enroll-rst.xml')))!;
    expect(r.tokenType).toBe(MDE2.tokenType);
    expect(r.requestType).toBe(MDE2.requestTypeIssue);
    expect(r.binarySecurityToken).toMatchObject({ valueType: MDE2.valueTypes.pkcs10, encodingType: `${NS.wsse}#base64binary` });
    expect(r.contextItems.map((c) => c.name)).toEqual([
      'UXInitiated', 'HWDevID', 'Locale', 'TargetedUserLoggedIn', 'OSEdition', 'DeviceName',
      'MAC', 'MAC', 'MAC', 'MAC', 'MAC', 'MAC', 'DeviceID', 'EnrollmentType', 'DeviceType', 'OSVersion', 'ApplicationVersion', 'NotInOobe',
    ]);
  });

  it('encodes the decoded Windows RST back to the same bytes', () => {
    const xml = mde2Fixture('enroll-rst.xml');
    const env = parseSoapEnvelope(xml);
    const r = readRequestSecurityToken(env)!;
    const again = buildRequestSecurityToken({
      messageId: env.header.messageId,
      to: env.header.to,
      token: env.header.security!.binarySecurityToken!,
      csrBase64: r.binarySecurityToken.content,
      valueType: r.binarySecurityToken.valueType,
      contextItems: r.contextItems,
    });
    expect(again).toBe(xml);
  });

  it('builds an RST the server reads back: DeviceEnrollmentToken, Issue, the CSR as a PKCS#10 token', () => {
    const r = readRequestSecurityToken(rst())!;
    expect(r.tokenType).toBe(MDE2.tokenType);
    expect(r.requestType).toBe(MDE2.requestTypeIssue);
    expect(r.binarySecurityToken).toMatchObject({ valueType: MDE2.valueTypes.pkcs10, content: 'TUlJ' });
  });

  it('keeps repeated items (MAC) in order', () => {
    expect(contextItems(readRequestSecurityToken(rst())!, 'MAC')).toEqual(['00-00-00-00-00-01', '00-00-00-00-00-02']);
  });

  it('gives the last of a repeated item as Fleet\'s GetContextItem map does, and undefined for an absent one', () => {
    const r = readRequestSecurityToken(rst())!;
    expect(contextItem(r, 'MAC')).toBe('00-00-00-00-00-02');
    expect(contextItem(r, 'RequestVersion')).toBeUndefined();
  });

  it('passes Fleet\'s IsValidRequestSecurityTokenMsg', () => {
    expect(validateRequestSecurityToken(rst())).toBeNull();
  });

  it('refuses an EnrollmentType other than Device or Full with Fleet\'s text', () => {
    expect(validateRequestSecurityToken(rst(items.map((i) => (i.name === 'EnrollmentType' ? { ...i, value: 'AppManagement' } : i))))).toBe(
      'invalid requestsecuritytoken message EnrollmentType: AppManagement - <nil>',
    );
  });

  it('refuses a missing HWDevID with Fleet\'s text', () => {
    expect(validateRequestSecurityToken(rst(items.filter((i) => i.name !== 'HWDevID')))).toBe(
      'invalid requestsecuritytoken message HWDevID:  - ContextItem item HWDevID is not present',
    );
  });

  it('refuses an RST without AdditionalContext items', () => {
    expect(validateRequestSecurityToken(rst([]))).toBe('invalid requestsecuritytoken message: AdditionalContext.ContextItems missing');
  });
});

describe('RequestSecurityTokenResponseCollection (MS-WSTEP)', () => {
  const doc = '<wap-provisioningdoc version="1.1"></wap-provisioningdoc>';
  const rstrc = () =>
    buildRequestSecurityTokenResponseCollection({ relatesTo: 'urn:uuid:3', provisioningDocBase64: Buffer.from(doc).toString('base64'), created: '2026-01-15T08:55:00.000Z', expires: '2026-01-15T09:05:00.000Z' });

  it('carries the WS-Security timestamp in Fleet\'s shape', () => {
    expect(rstrc()).toContain(`<o:Security xmlns:o="${NS.wsse}" s:mustUnderstand="1">\n\t\t\t<u:Timestamp u:Id="_0">\n\t\t\t\t<u:Created>2026-01-15T08:55:00.000Z</u:Created>`);
  });

  it('is read back by the device: the provisioning doc, base64-decoded', () => {
    const env = parseSoapEnvelope(rstrc());
    expect(env.header.action).toBe(MDE2.actions.rstrc);
    expect(readRequestSecurityTokenResponseCollection(env)).toMatchObject({ tokenType: MDE2.tokenType, valueType: MDE2.valueTypes.provisionDoc, provisioningDocXml: doc });
  });
});
