import { afterEach, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { deviceLab } from '../helpers/device-lab.js';
import { createDevice, FLEETD_PRODUCT_ID, type MsiLauncher } from '../../emulators/device/index.js';
import { orbitLauncher, startOrbit, type OrbitLauncher } from '../../emulators/orbit/index.js';
import type { Lab } from '../../emulators/lab/lab.js';
import type { MdmServer } from '../../emulators/mdm/server.js';
import type { MdmSettings } from '../../emulators/mdm/settings.js';

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => dispose?.());

/** Autopilot: OOBE sign-in, join, PRT, enroll, one management session; the MSI install starts orbit. */
async function autopilot(seed: string, settings: Partial<MdmSettings>, orbitVersion = '1.55.0'): Promise<{ lab: Lab; mdm: MdmServer; orbit: OrbitLauncher; upn: string; hardwareUuid: string; mdmDeviceId: string }> {
  const env = await deviceLab(seed, settings);
  dispose = env.dispose;
  const { lab, entra, mdm } = env;
  const { updateSettings } = await import('../../emulators/mdm/admin.js');
  updateSettings(mdm.ctx, { idpUrl: entra.url, idpTenantId: entra.tenantId });
  const alice = entra.users.find((u) => !u.mfa)!;
  const launchers: Record<string, MsiLauncher> = {};
  const device = await createDevice({ lab, entraUrl: entra.url, mdmUrl: mdm.url, user: { upn: alice.upn, password: alice.password }, launchers });
  const orbit = orbitLauncher({
    lab,
    version: orbitVersion,
    hardwareUuid: device.hardware.hardwareUuid,
    serial: device.hardware.serial,
    hostname: device.hardware.deviceName,
    ssoUser: { upn: alice.upn, password: alice.password },
  });
  launchers[FLEETD_PRODUCT_ID] = orbit.launch;
  await device.oobeSignIn('password');
  await device.join();
  await device.getPrt();
  await device.enrollMdm();
  await device.syncManagement();
  return { lab, mdm, orbit, upn: alice.upn, hardwareUuid: device.hardware.hardwareUuid, mdmDeviceId: device.hardware.mdmDeviceId };
}

const q = <T>(mdm: MdmServer, sql: string) => mdm.ctx.store.read((db) => db.prepare(sql).all()) as T[];

describe('MSI install starts orbit with the properties it was given', () => {
  it('with EUA: orbit enrolls with eua_token, the user is asked once, Fleet links the host to the user', async () => {
    const { lab, mdm, orbit, upn, hardwareUuid, mdmDeviceId } = await autopilot('device-orbit-eua', { euaTokenEnabled: true });
    const r = orbit.result()!;
    expect(r.enrolled).toBe(true);
    expect(r.sentEuaToken).toBe(true);
    expect(r.ssoPrompts).toBe(0);
    expect(lab.promptCount).toBe(1);
    const install = lab.recorder.all().find((s) => s.catalogId === 'msi.install')!;
    const props = (install.detail as { properties: Record<string, string> }).properties;
    expect(decodeJwt(props.EUA_TOKEN!)).toMatchObject({ upn, device_id: mdmDeviceId, sub: 'EUAToken' });
    expect(q(mdm, `SELECT host_uuid FROM host_mdm_idp_accounts`)).toEqual([{ host_uuid: hardwareUuid }]);
    expect(q(mdm, `SELECT host_uuid FROM mdm_windows_enrollments`)).toEqual([{ host_uuid: hardwareUuid }]);
    expect(q(mdm, `SELECT email FROM mdm_idp_accounts`)).toEqual([{ email: upn }]);
  });

  it('without EUA (server feature off): END_USER_AUTH_REQUIRED, orbit opens the SSO page, the user signs in a second time', async () => {
    const { lab, mdm, orbit, hardwareUuid } = await autopilot('device-orbit-no-eua', { euaTokenEnabled: false });
    const r = orbit.result()!;
    expect(r.sentEuaToken).toBe(false);
    expect(r.ssoPrompts).toBe(1);
    expect(r.enrolled).toBe(true);
    expect(r.attempts).toBe(2);
    expect(lab.promptCount).toBe(2);
    expect(q(mdm, `SELECT host_uuid FROM host_mdm_idp_accounts`)).toEqual([{ host_uuid: hardwareUuid }]);
  });

  it('an orbit older than 1.55.0 ignores EUA_TOKEN and the user is asked twice', async () => {
    const { lab, orbit } = await autopilot('device-orbit-old', { euaTokenEnabled: true }, '1.50.0');
    expect(orbit.result()!.sentEuaToken).toBe(false);
    expect(lab.promptCount).toBe(2);
  });
});

// fleet.md §4.3: a 401 that is not END_USER_AUTH_REQUIRED (a bad enroll secret) is an ordinary error for orbit's
// retry loop: 10 s, 20 s, 40 s, 80 s, 160 s between six attempts, then it gives up (only a 404 stops at once).
describe('orbit enroll retries (fleet.md §4.3)', () => {
  it('§4.3: a bad enroll secret (401) is retried with exponential backoff for six attempts', async () => {
    const env = await deviceLab('orbit-bad-secret', { endUserAuthEnabled: false });
    dispose = env.dispose;
    const started = env.lab.clock.now();
    const r = await startOrbit({ lab: env.lab, fleetUrl: env.mdm.url, enrollSecret: 'not-a-secret', hardwareUuid: 'HW-UUID-1', serial: 'SER-1', hostname: 'DESKTOP-1', ssoUser: null });
    expect(r.enrolled).toBe(false);
    expect(r.attempts).toBe(6);
    expect(r.error).toMatch(/^enroll failed: HTTP 401 /);
    expect(env.lab.clock.now() - started).toBe((10 + 20 + 40 + 80 + 160) * 1000);
  });
});
