import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mdmLab, TestDmClient, package1, post, MGMT } from '../helpers/dm-client.js';
import { seedEnrollment, fleetRows } from '../helpers/mdm-context.js';
import { parseSyncML } from '../../emulators/protocols/syncml.js';
import { updateSettings } from '../../emulators/mdm/admin.js';
import { MDM_NOT_CONFIGURED_MESSAGE } from '../../emulators/mdm/fleet-error.js';
import type { Lab } from '../../emulators/lab/lab.js';
import type { MdmServer } from '../../emulators/mdm/server.js';

const DEVICE = '0B1C2D3E4F5061728394A5B6C7D8E9F0';
const UPN = 'alice@enrollscope.onmicrosoft.com';
const PASSWORD = 'c0ffee00-0000-4000-8000-000000000002';

let lab: Lab;
let server: MdmServer;
let dispose: () => Promise<void>;
beforeEach(async () => {
  ({ lab, server, dispose } = await mdmLab({}, 'mdm-mgmt-errors'));
  seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: PASSWORD });
});
afterEach(async () => dispose());

function soapFaultReason(body: string): string {
  return /<s:text xml:lang="en-us">([^<]*)<\/s:text>/.exec(body)?.[1] ?? '';
}

describe('management endpoint: bad input gets the protocol error and writes nothing', () => {
  it('answers undecodable SyncML with Fleet JSON 500', async () => {
    const before = server.ctx.store.fileBytes();
    const res = await post(lab, server.url + MGMT, '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr>');
    expect(res.status).toBe(500);
    const body = res.json<{ message: string; errors: { name: string; reason: string }[] }>();
    expect(body.message).toMatch(/^unmarshalling SyncML message request: /);
    expect(body.errors[0]!.name).toBe('base');
    expect(server.ctx.store.fileBytes().equals(before)).toBe(true);
  });

  it('answers a wrong digest with SyncHdr Status 401 and a new NextNonce, changing no Fleet row', async () => {
    const client = new TestDmClient(lab, server.url, DEVICE, 'wrong-password');
    await client.send(package1(DEVICE));
    const firstNonce = client.nonce;
    const rows = fleetRows(server.ctx);
    const r = await client.send(package1(DEVICE));
    const hdr = r.msg.commands.find((c) => c.cmd === 'SyncHdr')!;
    expect(hdr.data).toBe('401');
    expect(hdr.chal?.nextNonce).toBeDefined();
    expect(client.nonce).not.toBe(firstNonce);
    expect(r.msg.commands).toHaveLength(1);
    // Only the nonce (Fleet's Redis, lab_kv) moved; no Fleet table changed.
    expect(fleetRows(server.ctx)).toEqual(rows);
  });

  it('answers an unknown device with a SOAP fault (HTTP 200, s:receiver / s:messageformat)', async () => {
    const before = server.ctx.store.fileBytes();
    const client = new TestDmClient(lab, server.url, 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF', PASSWORD);
    const res = await post(lab, server.url + MGMT, client.message(package1('FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF')));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/soap+xml');
    expect(res.text()).toContain('<s:value>s:receiver</s:value><s:subcode><s:value>s:messageformat</s:value>');
    expect(soapFaultReason(res.text())).toBe('device was not MDM enrolled');
    expect(server.ctx.store.fileBytes().equals(before)).toBe(true);
  });

  it('refuses MsgID 0 with a SOAP fault whose RelatesTo is the MsgID', async () => {
    const before = server.ctx.store.fileBytes();
    const client = new TestDmClient(lab, server.url, DEVICE, PASSWORD);
    const res = await post(lab, server.url + MGMT, client.message(package1(DEVICE), { msgId: '0' }));
    expect(res.status).toBe(200);
    expect(soapFaultReason(res.text())).toBe('invalid SyncML header: MsgID');
    expect(res.text()).toContain('<a:RelatesTo>0</a:RelatesTo>');
    expect(server.ctx.store.fileBytes().equals(before)).toBe(true);
  });

  it('refuses a body over the size limit with 413 before decoding it', async () => {
    const before = server.ctx.store.fileBytes();
    const client = new TestDmClient(lab, server.url, DEVICE, PASSWORD);
    const huge = client.message([...package1(DEVICE), { verb: 'Replace', cmdId: '9', items: [{ source: './x', data: 'A'.repeat(3 * 1024 * 1024) }] }]);
    const res = await post(lab, server.url + MGMT, huge);
    expect(res.status).toBe(413);
    expect(res.json<{ message: string }>().message).toBe('request body too large');
    expect(server.ctx.store.fileBytes().equals(before)).toBe(true);
  });

  it('answers a message without commands with a SOAP fault', async () => {
    const before = server.ctx.store.fileBytes();
    const client = new TestDmClient(lab, server.url, DEVICE, PASSWORD);
    const res = await post(lab, server.url + MGMT, client.message([]));
    expect(soapFaultReason(res.text())).toBe('invalid SyncML body: no SyncML protocol commands');
    expect(server.ctx.store.fileBytes().equals(before)).toBe(true);
  });

  it('answers a Cred of the wrong type with a SOAP fault', async () => {
    const client = new TestDmClient(lab, server.url, DEVICE, PASSWORD);
    await client.send(package1(DEVICE));
    const before = server.ctx.store.fileBytes();
    const xml = client.message(package1(DEVICE)).replace('syncml:auth-md5', 'syncml:auth-basic');
    const res = await post(lab, server.url + MGMT, xml);
    expect(soapFaultReason(res.text())).toBe('SyncML credentials format or type is invalid');
    expect(server.ctx.store.fileBytes().equals(before)).toBe(true);
  });

  it("answers Fleet's 400 when Windows MDM is off", async () => {
    updateSettings(server.ctx, { windowsMdmEnabled: false });
    const client = new TestDmClient(lab, server.url, DEVICE, PASSWORD);
    const res = await post(lab, server.url + MGMT, client.message(package1(DEVICE)));
    expect(res.status).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(/^MDM features aren't turned on in Fleet/);
    expect(() => parseSyncML(res.text())).toThrow();
  });

  // fleet.md §2.1: VerifyMDMWindowsConfigured returns fleet.ErrMDMNotConfigured on every route, management included:
  // the same message as the enrollment routes, written by encodeError with a two-space indent.
  it('§2.1: MDM off on the management route is fleet.ErrMDMNotConfigured, pretty-printed', async () => {
    updateSettings(server.ctx, { windowsMdmEnabled: false });
    const client = new TestDmClient(lab, server.url, DEVICE, PASSWORD);
    const res = await post(lab, server.url + MGMT, client.message(package1(DEVICE)));
    expect(res.text()).toBe(`${JSON.stringify({ message: MDM_NOT_CONFIGURED_MESSAGE, errors: [{ name: 'base', reason: MDM_NOT_CONFIGURED_MESSAGE }] }, null, 2)}\n`);
  });
});
