import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import { mdmLab } from '../helpers/dm-client.js';
import { orbitEnroll, orbitConfig } from '../helpers/orbit-client.js';
import { seedEnrollment, fleetRows } from '../helpers/mdm-context.js';
import { createScimUser, createTeam, addEnrollSecret, globalEnrollSecret, listPendingPrompts, mintEuaToken, updateSettings } from '../../emulators/mdm/admin.js';
import type { Lab } from '../../emulators/lab/lab.js';
import type { MdmServer } from '../../emulators/mdm/server.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';

const DEVICE = '5D1E2F30415263748596A7B8C9DAEBFC';
const UPN = 'alice@enrollscope.onmicrosoft.com';
const HW_UUID = '4C4C4544-0042-3510-8052-B7C04F4E5A31';

let lab: Lab;
let server: MdmServer;
let dispose: () => Promise<void>;
let secret: string;
beforeEach(async () => {
  ({ lab, server, dispose } = await mdmLab({}, 'mdm-orbit'));
  secret = globalEnrollSecret(server.ctx);
  seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: 'pw' });
});
afterEach(async () => dispose());

const q = <T>(sql: string, ...args: unknown[]) => server.ctx.store.read((db) => db.prepare(sql).all(...args)) as T[];
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

async function expectRefusedWithoutRows(token: string) {
  const before = fleetRows(server.ctx);
  const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID, eua_token: token });
  expect(res.status).toBe(401);
  expect(res.json()).toEqual({ message: 'END_USER_AUTH_REQUIRED', errors: [{ name: 'base', reason: 'END_USER_AUTH_REQUIRED' }] });
  expect(fleetRows(server.ctx)).toEqual(before);
}

describe('orbit enroll: the end-user-auth check (fleet.md §4.2) and the EUA token path (§4.2 4a, §6)', () => {
  it('refuses an unknown enroll secret with 401 Authentication failed and no rows', async () => {
    const before = server.ctx.store.fileBytes();
    const res = await orbitEnroll(lab, server.url, { enroll_secret: 'not-a-secret', hardware_uuid: HW_UUID });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ message: 'Authentication failed', errors: [{ name: 'base', reason: 'Authentication failed' }] });
    expect(server.ctx.store.fileBytes().equals(before)).toBe(true);
  });

  it('enrolls without any prompt when end user authentication is off', async () => {
    updateSettings(server.ctx, { endUserAuthEnabled: false });
    const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID });
    expect(res.status).toBe(200);
    expect(res.headers['x-fleet-capabilities']).toContain('orbit_endpoints');
    const key = res.json<{ orbit_node_key: string }>().orbit_node_key;
    expect(res.text()).toBe(`{\n  "orbit_node_key": "${key}"\n}\n`);
    expect(q(`SELECT uuid, orbit_node_key FROM hosts`)).toEqual([{ uuid: HW_UUID, orbit_node_key: key }]);
  });

  it('answers END_USER_AUTH_REQUIRED (401) without a token and records the pending prompt', async () => {
    const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ message: 'END_USER_AUTH_REQUIRED', errors: [{ name: 'base', reason: 'END_USER_AUTH_REQUIRED' }] });
    expect(listPendingPrompts(server.ctx).map((p) => p.hostUuid)).toEqual([HW_UUID]);
    expect(q(`SELECT * FROM hosts`)).toEqual([]);
  });

  it('a valid EUA token links everything: idp account, host link, host, enrollment host_uuid', async () => {
    const token = await mintEuaToken(server.ctx, UPN, DEVICE);
    const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID, eua_token: token });
    expect(res.status).toBe(200);
    const [account] = q<{ uuid: string; username: string; fullname: string; email: string }>(`SELECT uuid, username, fullname, email FROM mdm_idp_accounts`);
    expect(account).toMatchObject({ username: UPN, fullname: '', email: UPN });
    expect(q(`SELECT host_uuid, account_uuid FROM host_mdm_idp_accounts`)).toEqual([{ host_uuid: HW_UUID, account_uuid: account!.uuid }]);
    expect(q(`SELECT uuid, platform FROM hosts`)).toEqual([{ uuid: HW_UUID, platform: 'windows' }]);
    expect(q(`SELECT mdm_device_id, host_uuid FROM mdm_windows_enrollments`)).toEqual([{ mdm_device_id: DEVICE, host_uuid: HW_UUID }]);
    expect(listPendingPrompts(server.ctx)).toEqual([]);
  });

  it('keeps the username and fullname of an existing idp account', async () => {
    const now = server.ctx.nowIso();
    server.ctx.store.tx((db) =>
      db.prepare(`INSERT INTO mdm_idp_accounts(uuid, username, fullname, email, created_at, updated_at) VALUES ('acct-1', 'alice.lab', 'Alice Lab', ?, ?, ?)`).run(UPN, now, now),
    );
    const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID, eua_token: await mintEuaToken(server.ctx, UPN, DEVICE) });
    expect(res.status).toBe(200);
    expect(q(`SELECT uuid, username, fullname FROM mdm_idp_accounts`)).toEqual([{ uuid: 'acct-1', username: 'alice.lab', fullname: 'Alice Lab' }]);
    expect(q(`SELECT account_uuid FROM host_mdm_idp_accounts WHERE host_uuid = ?`, HW_UUID)).toEqual([{ account_uuid: 'acct-1' }]);
  });

  it('refuses a token whose device_id names no enrollment: 401 and no rows', async () => {
    await expectRefusedWithoutRows(await mintEuaToken(server.ctx, UPN, 'DEADBEEFDEADBEEFDEADBEEFDEADBEEF'));
  });

  it('refuses a token once the lab clock is past its 1 h expiry: 401 and no rows', async () => {
    const token = await mintEuaToken(server.ctx, UPN, DEVICE);
    lab.clock.advance(3600_000 + 1000);
    await expectRefusedWithoutRows(token);
  });

  it('refuses a tampered token: 401 and no rows', async () => {
    const [h, , s] = (await mintEuaToken(server.ctx, UPN, DEVICE)).split('.');
    const claims = decodeJwt(await mintEuaToken(server.ctx, UPN, DEVICE));
    await expectRefusedWithoutRows(`${h}.${b64({ ...claims, upn: 'mallory@enrollscope.onmicrosoft.com' })}.${s}`);
  });

  it('refuses an HS256 token: 401 and no rows', async () => {
    const now = lab.clock.seconds();
    const hs = await new SignJWT({ upn: UPN, device_id: DEVICE }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now).setNotBefore(now).setExpirationTime(now + 3600).sign(new TextEncoder().encode('k'.repeat(32)));
    await expectRefusedWithoutRows(hs);
  });

  it('refuses an alg none token: 401 and no rows', async () => {
    const now = lab.clock.seconds();
    await expectRefusedWithoutRows(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ upn: UPN, device_id: DEVICE, sub: 'EUAToken', iat: now, nbf: now, exp: now + 3600 })}.`);
  });

  it('refuses a token signed with a foreign RSA key: 401 and no rows', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = lab.clock.seconds();
    const foreign = await new SignJWT({ upn: UPN, device_id: DEVICE }).setProtectedHeader({ alg: 'RS256' }).setSubject('EUAToken').setIssuedAt(now).setNotBefore(now).setExpirationTime(now + 3600).sign(privateKey);
    await expectRefusedWithoutRows(foreign);
  });

  it('maps the host to the SCIM user that matches the UPN (host_scim_user set)', async () => {
    const scim = createScimUser(server.ctx, { userName: 'alice', emails: [{ email: UPN, primary: true, type: 'work' }] });
    const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID, eua_token: await mintEuaToken(server.ctx, UPN, DEVICE) });
    expect(res.status).toBe(200);
    const [host] = q<{ id: number }>(`SELECT id FROM hosts WHERE uuid = ?`, HW_UUID);
    expect(q(`SELECT host_id, scim_user_id FROM host_scim_user`)).toEqual([{ host_id: host!.id, scim_user_id: scim.id }]);
  });

  it('deletes the host SCIM mapping when no SCIM user matches the UPN', async () => {
    const other = createScimUser(server.ctx, { userName: 'bob', emails: [{ email: 'bob@enrollscope.onmicrosoft.com' }] });
    const now = server.ctx.nowIso();
    server.ctx.store.tx((db) => {
      // An orbit-enrolled host: ds.EnrollOrbit matches it by osquery_host_id (orbit's default identifier, the hardware UUID).
      db.prepare(`INSERT INTO hosts(id, uuid, osquery_host_id, platform, created_at, updated_at) VALUES (7, ?, ?, 'windows', ?, ?)`).run(HW_UUID, HW_UUID, now, now);
      db.prepare(`INSERT INTO host_scim_user(host_id, scim_user_id, created_at) VALUES (7, ?, ?)`).run(other.id, now);
    });
    const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID, eua_token: await mintEuaToken(server.ctx, UPN, DEVICE) });
    expect(res.status).toBe(200);
    expect(q(`SELECT * FROM host_scim_user`)).toEqual([]);
  });

  it('enrolls without a token when the host already has an IdP link', async () => {
    const now = server.ctx.nowIso();
    server.ctx.store.tx((db) => db.prepare(`INSERT INTO host_mdm_idp_accounts(host_uuid, account_uuid, created_at, updated_at) VALUES (?, 'acct-x', ?, ?)`).run(HW_UUID, now, now));
    const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID });
    expect(res.status).toBe(200);
  });

  it('enrolls a host that orbit enrolled before without asking again', async () => {
    updateSettings(server.ctx, { endUserAuthEnabled: false });
    expect((await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID })).status).toBe(200);
    updateSettings(server.ctx, { endUserAuthEnabled: true });
    expect((await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID })).status).toBe(200);
  });

  it('ignores the token when end user auth is not required (the enrollment stays unlinked)', async () => {
    updateSettings(server.ctx, { endUserAuthEnabled: false });
    const res = await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID, eua_token: await mintEuaToken(server.ctx, UPN, DEVICE) });
    expect(res.status).toBe(200);
    expect(q(`SELECT host_uuid FROM mdm_windows_enrollments`)).toEqual([{ host_uuid: '' }]);
    expect(q(`SELECT * FROM host_mdm_idp_accounts`)).toEqual([]);
  });

  it('lets an agent without the end_user_auth capability through when the bypass setting is on', async () => {
    updateSettings(server.ctx, { allowOrbitEndUserAuthBypass: true });
    expect((await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID }, 'orbit_endpoints')).status).toBe(200);
  });

  it('still requires end user auth of an agent that has the capability, bypass or not', async () => {
    updateSettings(server.ctx, { allowOrbitEndUserAuthBypass: true });
    expect((await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID }, 'orbit_endpoints,end_user_auth')).status).toBe(401);
  });

  it('blocks an agent without the capability when the bypass setting is off', async () => {
    expect((await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID }, 'orbit_endpoints')).status).toBe(401);
  });

  it("takes the team's end-user-auth setting for a team secret, not the global one", async () => {
    const off = createTeam(server.ctx, 'no-eua', false);
    addEnrollSecret(server.ctx, 'team-secret-off', off);
    expect((await orbitEnroll(lab, server.url, { enroll_secret: 'team-secret-off', hardware_uuid: HW_UUID })).status).toBe(200);
    expect(q(`SELECT team_id FROM hosts`)).toEqual([{ team_id: off }]);
    updateSettings(server.ctx, { endUserAuthEnabled: false });
    const on = createTeam(server.ctx, 'eua', true);
    addEnrollSecret(server.ctx, 'team-secret-on', on);
    expect((await orbitEnroll(lab, server.url, { enroll_secret: 'team-secret-on', hardware_uuid: 'OTHER-HW-UUID' })).status).toBe(401);
  });
});

describe('orbit config (fleet.md §4.3)', () => {
  it('tells an unenrolled Windows host to enroll programmatically, and moves its seen time', async () => {
    updateSettings(server.ctx, { endUserAuthEnabled: false });
    const key = (await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID })).json<{ orbit_node_key: string }>().orbit_node_key;
    const res = await orbitConfig(lab, server.url, { orbit_node_key: key, orbit_info: { version: '1.55.0' } });
    expect(res.status).toBe(200);
    expect(res.json<{ notifications: Record<string, unknown> }>().notifications).toEqual({
      needs_programmatic_windows_mdm_enrollment: true,
      windows_mdm_discovery_endpoint: `${server.url}${MDM_PATHS.discovery}`,
    });
    expect(q(`SELECT version FROM host_orbit_info`)).toEqual([{ version: '1.55.0' }]);
    expect(q(`SELECT seen_time FROM host_seen_times`)).toEqual([{ seen_time: server.ctx.nowIso() }]);
  });

  it('sends no enrollment notification once host_mdm says enrolled, not merely because the EUA token linked it (fleet.md corrections §9)', async () => {
    const key = (await orbitEnroll(lab, server.url, { enroll_secret: secret, hardware_uuid: HW_UUID, eua_token: await mintEuaToken(server.ctx, UPN, DEVICE) })).json<{ orbit_node_key: string }>().orbit_node_key;
    const notified = async () => (await orbitConfig(lab, server.url, { orbit_node_key: key })).json<{ notifications: Record<string, unknown> }>().notifications;
    expect(await notified()).toHaveProperty('needs_programmatic_windows_mdm_enrollment', true);
    const now = server.ctx.nowIso();
    server.ctx.store.tx((db) => db.prepare(`INSERT INTO host_mdm(host_id, enrolled, is_server, created_at, updated_at) SELECT id, 1, 0, ?, ? FROM hosts`).run(now, now));
    expect(await notified()).toEqual({});
  });

  it('refuses an unknown node key with 401', async () => {
    const before = server.ctx.store.fileBytes();
    const res = await orbitConfig(lab, server.url, { orbit_node_key: 'nope' });
    expect(res.status).toBe(401);
    expect(server.ctx.store.fileBytes().equals(before)).toBe(true);
  });
});
