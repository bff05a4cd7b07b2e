import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { deviceLab } from '../helpers/device-lab.js';
import { createDevice, type VirtualDevice } from '../../emulators/device/index.js';
import type { Lab } from '../../emulators/lab/lab.js';
import type { EntraServer } from '../../emulators/entra/server.js';
import type { MdmServer } from '../../emulators/mdm/server.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';

let lab: Lab;
let entra: EntraServer;
let mdm: MdmServer;
let dispose: () => Promise<void>;
let device: VirtualDevice;

beforeEach(async () => {
  ({ lab, entra, mdm, dispose } = await deviceLab('device-enroll'));
  const alice = entra.users.find((u) => !u.mfa)!;
  device = await createDevice({ lab, entraUrl: entra.url, mdmUrl: mdm.url, user: { upn: alice.upn, password: alice.password } });
});
afterEach(async () => dispose());

const rows = <T>(sql: string) => mdm.ctx.store.read((db) => db.prepare(sql).all()) as T[];

describe('the virtual device against the real Entra and MDM servers', () => {
  it('joins Entra: the device certificate is issued by MS-Organization-Access for the TPM device key', async () => {
    await device.oobeSignIn('password');
    const join = await device.join();
    expect(join.deviceId).toMatch(/^[0-9a-f-]{36}$/);
    const cert = new (await import('node:crypto')).X509Certificate(Buffer.from(join.deviceCertB64, 'base64'));
    expect(cert.issuer).toContain('MS-Organization-Access');
    expect(cert.publicKey.export({ type: 'spki', format: 'der' }).equals(device.tpm.keyInfo(join.deviceKeyHandle).spki)).toBe(true);
  });

  it('gets a PRT and, with the session key inside the TPM, an MDM token carrying deviceid', async () => {
    await device.oobeSignIn('password');
    const join = await device.join();
    const { prt, mdmToken } = await device.getPrt();
    expect(prt.prt.startsWith('0.')).toBe(true);
    expect(device.tpm.objects().find((o) => o.handle === prt.sessionKeyHandle)?.kind).toBe('session-key');
    const claims = decodeJwt(mdmToken.accessToken);
    expect(claims.deviceid).toBe(join.deviceId);
    expect(claims.upn).toBe(device.state.get('signIn')!.upn);
  });

  it('enrolls in MDM with the Entra token: Fleet stores the enrollment with the Windows DeviceID and HWDevID', async () => {
    await device.oobeSignIn('password');
    await device.join();
    await device.getPrt();
    const r = await device.enrollMdm();
    expect(r.providerId).toBe('Fleet');
    expect(r.managementUrl).toBe(`${mdm.url}${MDM_PATHS.management}`);
    const enr = rows<{ mdm_device_id: string; mdm_hardware_id: string; enroll_type: string; enroll_user_id: string; not_in_oobe: number; device_name: string }>(
      `SELECT mdm_device_id, mdm_hardware_id, enroll_type, enroll_user_id, not_in_oobe, device_name FROM mdm_windows_enrollments`,
    );
    expect(enr).toEqual([
      { mdm_device_id: device.hardware.mdmDeviceId, mdm_hardware_id: device.hardware.hwDevId, enroll_type: 'Device', enroll_user_id: device.state.get('signIn')!.upn, not_in_oobe: 0, device_name: device.hardware.deviceName },
    ]);
    // The bare GET came first, then Discover, GetPolicies, RST.
    const http = lab.recorder.all().filter((s) => s.kind === 'http' && s.to === 'mdm').map((s) => `${s.request!.method} ${new URL(s.request!.url).pathname}`);
    expect(http).toEqual([`GET ${MDM_PATHS.enrollEntryPoint}`, `POST ${MDM_PATHS.enrollEntryPoint}`, `POST ${MDM_PATHS.policy}`, `POST ${MDM_PATHS.enroll}`]);
  });

  it('runs an OMA-DM session with digest auth: challenged once, then trusted, answering the server', async () => {
    await device.oobeSignIn('password');
    await device.join();
    await device.getPrt();
    await device.enrollMdm();
    const s = await device.syncManagement();
    expect(s.challenged).toBe(true);
    expect(s.commands.length).toBeGreaterThan(0);
    expect(s.commands.every((c) => ['200', '202'].includes(c.status))).toBe(true);
  });
});
