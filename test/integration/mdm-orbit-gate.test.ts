import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { SignJWT, decodeJwt } from 'jose';
import { mdmLab } from '../helpers/dm-client.js';
import { orbitEnroll, orbitConfig } from '../helpers/orbit-client.js';
import { seedEnrollment } from '../helpers/mdm-context.js';
import { globalEnrollSecret, mintEuaToken, updateSettings } from '../../emulators/mdm/admin.js';
import { enrollOrbit, type EnrollOutcome } from '../../emulators/mdm/orbit/enroll.js';
import type { EnrollOrbitRequest } from '../../emulators/mdm/orbit/request.js';
import type { Lab } from '../../emulators/lab/lab.js';
import type { MdmServer } from '../../emulators/mdm/server.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';

const DEVICE = '5D1E2F30415263748596A7B8C9DAEBFC';
const UPN = 'alice@enrollscope.onmicrosoft.com';
const HW_UUID = '4C4C4544-0042-3510-8052-B7C04F4E5A31';
const CAPS = new Set(['orbit_endpoints', 'end_user_auth']);

let lab: Lab;
let server: MdmServer;
let dispose: () => Promise<void>;
let secret: string;
beforeEach(async () => {
  ({ lab, server, dispose } = await mdmLab({}, 'mdm-orbit-gate'));
  secret = globalEnrollSecret(server.ctx);
  seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: 'pw' });
});
afterEach(async () => dispose());

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const q = <T>(sql: string, ...args: unknown[]) => server.ctx.store.read((db) => db.prepare(sql).all(...args)) as T[];
const req = (over: Partial<EnrollOrbitRequest>): EnrollOrbitRequest => ({
  enroll_secret: secret,
  hardware_uuid: HW_UUID,
  hardware_serial: 'LAB-SERIAL-1',
  hostname: 'DESKTOP-LAB',
  platform: 'windows',
  platform_like: 'windows',
  osquery_identifier: '',
  computer_name: 'DESKTOP-LAB',
  hardware_model: 'Virtual Machine',
  eua_token: '',
  ...over,
});

/** The server-side reason (what Fleet logs) of a refused token, after checking the wire answer is END_USER_AUTH_REQUIRED. */
async function refusedReason(token: string): Promise<string> {
  const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID, eua_token: token });
  expect(res.status).toBe(401);
  expect(res.json()).toEqual({ message: 'END_USER_AUTH_REQUIRED', errors: [{ name: 'base', reason: 'END_USER_AUTH_REQUIRED' }] });
  // The timeline step carries what Fleet logs; it must agree with the direct call below.
  const logged = (res.step.detail as { fleetLog?: { endUserAuth: string; reason?: string } } | undefined)?.fleetLog;
  expect(logged?.endUserAuth).toBe('end-user-auth-required');
  // The 401 records the pending prompt (lab_kv); the Fleet rows and the rest of the file do not move.
  const outcome: EnrollOutcome = await enrollOrbit(server.ctx, req({ eua_token: token }), CAPS);
  expect(outcome.ok).toBe(false);
  if (outcome.ok || outcome.error !== 'end-user-auth-required' || outcome.decision.kind !== 'end-user-auth-required') throw new Error('not END_USER_AUTH_REQUIRED');
  expect(q(`SELECT * FROM hosts`)).toEqual([]);
  expect(q(`SELECT * FROM host_mdm_idp_accounts`)).toEqual([]);
  expect(logged?.reason).toBe(outcome.decision.reason);
  return outcome.decision.reason;
}

describe('EUA token errors at orbit enroll: golang-jwt v4 with Fleet wrapper (fleet.md corrections §4)', () => {
  it('an expired token names its overrun as Go formats a Duration', async () => {
    const token = await mintEuaToken(server.ctx, UPN, DEVICE);
    lab.clock.advance(2 * 3600_000);
    expect(await refusedReason(token)).toBe('there was an error parsing the EUA token claims: token is expired by 1h0m0s');
    lab.clock.advance(61_250);
    expect(await refusedReason(token)).toBe('there was an error parsing the EUA token claims: token is expired by 1h1m1.25s');
  });

  it('expires at exp itself (v4: valid only while now is before exp)', async () => {
    const token = await mintEuaToken(server.ctx, UPN, DEVICE);
    lab.clock.advance(3600_000);
    expect(await refusedReason(token)).toBe('there was an error parsing the EUA token claims: token is expired by 0s');
  });

  it('a tampered token is crypto/rsa: verification error, even when it is also expired (the signature is checked last)', async () => {
    const token = await mintEuaToken(server.ctx, UPN, DEVICE);
    const [h, , s] = token.split('.');
    const forged = `${h}.${b64({ ...decodeJwt(token), upn: 'mallory@enrollscope.onmicrosoft.com' })}.${s}`;
    expect(await refusedReason(forged)).toBe('there was an error parsing the EUA token claims: crypto/rsa: verification error');
    lab.clock.advance(2 * 3600_000);
    expect(await refusedReason(forged)).toBe('there was an error parsing the EUA token claims: crypto/rsa: verification error');
  });

  it('HS256 and none name the alg: unexpected signing method: <alg>', async () => {
    const now = lab.clock.seconds();
    const hs = await new SignJWT({ upn: UPN, device_id: DEVICE }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now).setNotBefore(now).setExpirationTime(now + 3600).sign(new TextEncoder().encode('k'.repeat(32)));
    expect(await refusedReason(hs)).toBe('there was an error parsing the EUA token claims: unexpected signing method: HS256');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ upn: UPN, device_id: DEVICE, iat: now, nbf: now, exp: now + 3600 })}.`;
    expect(await refusedReason(none)).toBe('there was an error parsing the EUA token claims: unexpected signing method: none');
  });

  it('a token that is not three segments says so', async () => {
    expect(await refusedReason('not-a-jwt')).toBe('there was an error parsing the EUA token claims: token contains an invalid number of segments');
  });

  it('a token naming no enrollment is refused after it parsed', async () => {
    expect(await refusedReason(await mintEuaToken(server.ctx, UPN, 'DEADBEEFDEADBEEFDEADBEEFDEADBEEF'))).toBe('no windows mdm enrollment for device_id DEADBEEFDEADBEEFDEADBEEFDEADBEEF');
  });

  it('does not check sub, and the token is not single-use', async () => {
    const token = await mintEuaToken(server.ctx, UPN, DEVICE);
    const first = await enrollOrbit(server.ctx, req({ eua_token: token }), CAPS);
    expect(first.ok && first.decision.kind).toBe('eua-token');
    // The same token again, for another hardware uuid: accepted (no jti, no replay table in Fleet).
    const second = await enrollOrbit(server.ctx, req({ hardware_uuid: 'OTHER-HW-UUID', eua_token: token }), CAPS);
    expect(second.ok && second.decision.kind).toBe('eua-token');
  });
});

describe('gate errors at orbit enroll (fleet.md corrections §3)', () => {
  it('an empty hardware_uuid while end-user auth is required is a 500 Fleet error and writes nothing', async () => {
    const before = server.ctx.store.fileBytes();
    const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: '', eua_token: await mintEuaToken(server.ctx, UPN, DEVICE) });
    expect(res.status).toBe(500);
    const body = res.json<{ message: string; errors: unknown; uuid: string }>();
    expect(body).toEqual({ message: 'failed to get IdP account: hardware uuid is empty', errors: [{ name: 'base', reason: 'failed to get IdP account: hardware uuid is empty' }], uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(server.ctx.store.fileBytes().equals(before)).toBe(true);
    expect(res.step.detail).toMatchObject({ fleetLog: { error: 'failed to get IdP account: hardware uuid is empty' } });
  });

  it('an empty hardware_uuid enrolls when end-user auth is not required (no IdP lookup)', async () => {
    updateSettings(server.ctx, { endUserAuthEnabled: false });
    expect((await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: '' })).status).toBe(200);
  });

  it('a datastore error other than not-found in the token path is a 500 in Fleet shape and writes nothing', async () => {
    const token = await mintEuaToken(server.ctx, UPN, DEVICE);
    // Break the table the token path reads (MDMWindowsGetEnrolledDeviceWithDeviceID); product code is untouched.
    server.ctx.store.tx((db) => db.exec(`ALTER TABLE mdm_windows_enrollments RENAME TO mdm_windows_enrollments_gone`));
    const before = server.ctx.store.fileBytes();
    const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID, eua_token: token });
    expect(res.status).toBe(500);
    const body = res.json<{ message: string; errors: { name: string; reason: string }[]; uuid: string }>();
    expect(body.message).toMatch(/^get windows enrolled device by device id: no such table: mdm_windows_enrollments$/);
    expect(body.errors).toEqual([{ name: 'base', reason: body.message }]);
    expect(body.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.ctx.store.fileBytes().equals(before)).toBe(true);
  });

  it('a darwin orbit enrolls without the END_USER_AUTH_REQUIRED gate', async () => {
    const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID, platform: 'darwin' });
    expect(res.status).toBe(200);
    expect(q(`SELECT platform FROM hosts`)).toEqual([{ platform: 'darwin' }]);
  });

  it('a chrome host is not gated either; linux distributions (FleetPlatform linux) are', async () => {
    expect((await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: 'CHROME-1', platform: 'chrome' })).status).toBe(200);
    for (const platform of ['ubuntu', 'rhel', 'tuxedo']) {
      const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: `LINUX-${platform}`, platform });
      expect(res.status, platform).toBe(401);
    }
    expect(q(`SELECT platform FROM hosts`)).toEqual([{ platform: 'chrome' }]);
  });

  it('a linux host with an EUA token is still gated: the token path is Windows only', async () => {
    const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID, platform: 'ubuntu', eua_token: await mintEuaToken(server.ctx, UPN, DEVICE) });
    expect(res.status).toBe(401);
    expect(q(`SELECT * FROM host_mdm_idp_accounts`)).toEqual([]);
  });
});

describe('needs_programmatic_windows_mdm_enrollment from host_mdm (isEligibleForWindowsMDMEnrollment, fleet.md corrections §9)', () => {
  async function enrolledKey(platform = 'windows'): Promise<string> {
    updateSettings(server.ctx, { endUserAuthEnabled: false });
    const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID, platform });
    return res.json<{ orbit_node_key: string }>().orbit_node_key;
  }
  const hostMdm = (enrolled: number, isServer: number | null) =>
    server.ctx.store.tx((db) =>
      db.prepare(`INSERT INTO host_mdm(host_id, enrolled, is_server, created_at, updated_at) SELECT id, ?, ?, ?, ? FROM hosts`).run(enrolled, isServer, server.ctx.nowIso(), server.ctx.nowIso()),
    );
  const notifications = async (key: string) => (await orbitConfig(lab, server.url, { orbit_node_key: key })).json<{ notifications: Record<string, unknown> }>().notifications;
  const NOTIFY = () => ({ needs_programmatic_windows_mdm_enrollment: true, windows_mdm_discovery_endpoint: `${server.url}${MDM_PATHS.discovery}` });

  it('no host_mdm row yet: eligible', async () => {
    expect(await notifications(await enrolledKey())).toEqual(NOTIFY());
  });

  it('host_mdm not enrolled and not a server: eligible', async () => {
    const key = await enrolledKey();
    hostMdm(0, 0);
    expect(await notifications(key)).toEqual(NOTIFY());
  });

  it('host_mdm enrolled: not eligible', async () => {
    const key = await enrolledKey();
    hostMdm(1, 0);
    expect(await notifications(key)).toEqual({});
  });

  it('a Windows Server (host_mdm.is_server): not eligible', async () => {
    const key = await enrolledKey();
    hostMdm(0, 1);
    expect(await notifications(key)).toEqual({});
  });

  it('an MDM enrollment linked to the host but no host_mdm row: still eligible (Fleet reads host_mdm only)', async () => {
    const key = await enrolledKey();
    server.ctx.store.tx((db) => db.prepare(`UPDATE mdm_windows_enrollments SET host_uuid = ?`).run(HW_UUID));
    expect(await notifications(key)).toEqual(NOTIFY());
  });

  it('not osquery-enrolled (no osquery_host_id): not eligible', async () => {
    const key = await enrolledKey();
    server.ctx.store.tx((db) => db.prepare(`UPDATE hosts SET osquery_host_id = NULL`).run());
    expect(await notifications(key)).toEqual({});
  });

  it('a non-Windows host: not eligible', async () => {
    expect(await notifications(await enrolledKey('ubuntu'))).toEqual({});
  });

  it('Windows MDM off: not told', async () => {
    const key = await enrolledKey();
    updateSettings(server.ctx, { windowsMdmEnabled: false });
    expect(await notifications(key)).toEqual({});
  });
});
