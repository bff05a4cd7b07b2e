import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mdmLab, TestDmClient, package1, statusOf } from '../helpers/dm-client.js';
import { seedEnrollment } from '../helpers/mdm-context.js';
import { resultsFor, statusFor, type ParsedSyncMLMessage } from '../../emulators/protocols/syncml.js';
import { DEVDETAIL_SMBIOS_SERIAL_URI } from '../../emulators/mdm/management/devdetail.js';
import type { Lab } from '../../emulators/lab/lab.js';
import type { MdmServer } from '../../emulators/mdm/server.js';

/**
 * The DevDetail serial Get (fleet.md corrections §2, #52614), in every Fleet profile: appended to every trusted reply
 * while the enrollment is unlinked, its answer stored in mdm_windows_enrollments.hardware_serial.
 */
const DEVICE = '0A1B2C3D4E5F60718293A4B5C6D7E8F9';
const UPN = 'alice@enrollscope.onmicrosoft.com';
const PASSWORD = 'c0ffee00-0000-4000-8000-000000000002';

let lab: Lab;
let server: MdmServer;
let dispose: () => Promise<void>;
afterEach(async () => dispose());

const serialGet = (msg: ParsedSyncMLMessage) => msg.commands.find((c) => c.verb === 'Get' && c.items[0]?.target === DEVDETAIL_SMBIOS_SERIAL_URI);
const stored = () => (server.ctx.store.read((db) => db.prepare(`SELECT hardware_serial, host_uuid FROM mdm_windows_enrollments WHERE mdm_device_id = ?`).get(DEVICE)) as { hardware_serial: string; host_uuid: string });

describe.each(['eua-first', 'current'] as const)('the DevDetail serial Get under %s', (fleetProfile) => {
  beforeEach(async () => ({ lab, server, dispose } = await mdmLab({ fleetProfile }, `devdetail-${fleetProfile}`)));

  async function trusted(client: TestDmClient) {
    expect(statusOf((await client.send(package1(DEVICE))).msg, '0')).toBe('407');
    return client.send(package1(DEVICE));
  }

  it('is asked in every reply while unlinked, not in the reply to its answer; the serial is stored', async () => {
    seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: PASSWORD });
    const client = new TestDmClient(lab, server.url, DEVICE, PASSWORD);
    const s1 = await trusted(client);
    const get1 = serialGet(s1.msg)!;
    expect(get1).toBeDefined();
    // A message that does not answer it (the install's Status only) gets it again.
    const exec = s1.msg.commands.find((c) => c.verb === 'Exec')!;
    const s2 = await client.send([statusFor({ cmdId: '1', msgRef: s1.msg.hdr.msgId, cmdRef: exec.cmdId, cmd: 'Exec', code: '200' })]);
    const get2 = serialGet(s2.msg)!;
    expect(get2).toBeDefined();
    expect(stored().hardware_serial).toBe('');
    const s3 = await client.send([
      statusFor({ cmdId: '1', msgRef: s2.msg.hdr.msgId, cmdRef: get2.cmdId, cmd: 'Get', code: '200' }),
      resultsFor({ cmdId: '2', msgRef: s2.msg.hdr.msgId, cmdRef: get2.cmdId, items: [{ source: DEVDETAIL_SMBIOS_SERIAL_URI, meta: { format: 'chr' }, data: ' VMW-4242-0001 ' }] }),
    ]);
    expect(statusOf(s3.msg, '0')).toBe('200');
    expect(serialGet(s3.msg)).toBeUndefined();
    // No Windows host has that serial yet: stored, still unlinked.
    expect(stored()).toEqual({ hardware_serial: 'VMW-4242-0001', host_uuid: '' });
  });

  it('a placeholder serial is not stored, and the next reply asks again', async () => {
    seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: PASSWORD });
    const client = new TestDmClient(lab, server.url, DEVICE, PASSWORD);
    const s1 = await trusted(client);
    const get = serialGet(s1.msg)!;
    const s2 = await client.send([
      resultsFor({ cmdId: '1', msgRef: s1.msg.hdr.msgId, cmdRef: get.cmdId, items: [{ source: DEVDETAIL_SMBIOS_SERIAL_URI, meta: { format: 'chr' }, data: 'To be filled by O.E.M.' }] }),
    ]);
    expect(serialGet(s2.msg)).toBeUndefined();
    expect(stored().hardware_serial).toBe('');
    const s3 = await client.send([statusFor({ cmdId: '1', msgRef: s2.msg.hdr.msgId, cmdRef: '0', cmd: 'SyncHdr', code: '200' })]);
    expect(serialGet(s3.msg)).toBeDefined();
  });

  it('is not asked once the enrollment is linked', async () => {
    seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: PASSWORD, hostUuid: 'HOST-UUID-1' });
    const client = new TestDmClient(lab, server.url, DEVICE, PASSWORD);
    const s1 = await trusted(client);
    expect(serialGet(s1.msg)).toBeUndefined();
  });
});
