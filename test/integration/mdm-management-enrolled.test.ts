import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DOMParser } from '@xmldom/xmldom';
import { jwtVerify } from 'jose';
import { x509 } from '../../emulators/protocols/x509.js';
import { mdmLab, TestDmClient, package1, post } from '../helpers/dm-client.js';
import { parseSoapEnvelope } from '../../emulators/protocols/soap.js';
import { MDE2, encodeDeviceEnrollmentUserToken } from '../../emulators/protocols/mde2/envelope.js';
import {
  buildRequestSecurityToken,
  readRequestSecurityTokenResponseCollection,
} from '../../emulators/protocols/mde2/wstep.js';
import {
  parseWapProvisioningDoc,
  readProvisionedEnrollment,
} from '../../emulators/protocols/mde2/provisioning-doc.js';
import { newSTSAuthToken } from '../../emulators/mdm/wstep/tokens.js';
import { makeWindowsCsr } from '../helpers/windows-csr.js';
import { dataText } from '../../emulators/protocols/syncml.js';
import type { Lab } from '../../emulators/lab/lab.js';
import type { MdmServer } from '../../emulators/mdm/server.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';

const DEVICE = '3F2A9C41B7E04D5A8C1F6E2B9D0A7C35';
const HWDEVID = 'A1'.repeat(32);
const UPN = 'sam@contoso.example';

let lab: Lab;
let server: MdmServer;
let dispose: () => Promise<void>;
beforeAll(async () => ({ lab, server, dispose } = await mdmLab({}, 'mdm-mgmt-enrolled')));
afterAll(async () => dispose());

describe('management session after a real MS-MDE2 enroll over HTTP', () => {
  it('the EUA_TOKEN of the MsiInstallJob verifies with the provisioning doc identity cert and carries the DeviceID and UPN', async () => {
    // Enroll with Fleet's automatic STS device token (type 2): enroll_user_id = the UPN (fleet.md §2.5).
    const sts = await newSTSAuthToken(server.ctx, UPN);
    const items = [
      ['UXInitiated', 'false'], ['HWDevID', HWDEVID], ['Locale', 'en-US'], ['TargetedUserLoggedIn', 'true'], ['OSEdition', '48'],
      ['DeviceName', 'DESKTOP-LAB01'], ['MAC', '00-15-5D-01-02-03'], ['DeviceID', DEVICE], ['EnrollmentType', 'Full'],
      ['DeviceType', 'CIMClient_Windows'], ['OSVersion', '10.0.22631.2861'], ['ApplicationVersion', '10.0.22631.2861'], ['NotInOobe', 'false'],
    ].map(([name, value]) => ({ name: name!, value: value! }));
    const rst = buildRequestSecurityToken({
      messageId: 'urn:uuid:0d5a1441-5891-453b-becf-a2e5f6ea3749',
      to: `${server.url}${MDM_PATHS.enroll}`,
      token: { valueType: MDE2.valueTypes.deviceEnrollmentUserToken, content: encodeDeviceEnrollmentUserToken({ type: 2, payload: { auth_token: sts } }) },
      csrBase64: makeWindowsCsr({ keys: await lab.keys.rsa('device-mdm-client') }).base64,
      contextItems: items,
    });
    const enr = await post(lab, `${server.url}${MDM_PATHS.enroll}`, rst, 'application/soap+xml; charset=utf-8');
    const prov = readProvisionedEnrollment(parseWapProvisioningDoc(readRequestSecurityTokenResponseCollection(parseSoapEnvelope(enr.text()))!.provisioningDocXml));
    expect(prov.dmUsername).toBe(DEVICE);

    const client = new TestDmClient(lab, server.url, prov.dmUsername, prov.dmPassword);
    const challenged = await client.send(package1(DEVICE));
    expect(challenged.msg.commands[0]!.data).toBe('407');
    const r = await client.send(package1(DEVICE));
    expect(r.msg.commands[0]!.data).toBe('200');
    const exec = r.msg.commands.find((c) => c.verb === 'Exec')!;
    const job = new DOMParser().parseFromString(dataText(exec.items[0]!.data)!, 'text/xml');
    const token = /EUA_TOKEN="([^"]+)"/.exec(job.getElementsByTagName('CommandLine')[0]!.textContent ?? '')![1]!;

    const root = new x509.X509Certificate(Buffer.from(prov.rootCertBase64, 'base64'));
    const { payload } = await jwtVerify(token, await root.publicKey.export(), { algorithms: ['RS256'], currentDate: lab.clock.date() });
    expect(payload).toMatchObject({ upn: UPN, device_id: DEVICE, sub: 'EUAToken' });
  });
});
