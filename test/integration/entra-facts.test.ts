import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startEntra, postForm, postJson, drsToken, joinBody, join, requestPrt, srvChallenge, passwordPrtPayload, alice, BROKER, type EntraFixture, type JoinedDevice } from '../helpers/entra.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';
import { signWithSessionKey, unwrapSessionKeyJwe } from '../../emulators/protocols/prt-kdf.js';
import type { DrsJoinResponse } from '../../emulators/protocols/drs.js';
import type { PrtResponse as OAuthPrtResponse } from '../../emulators/protocols/oauth.js';
import { objectIdToSid } from '../../emulators/entra/drs/join.js';

let f: EntraFixture;
beforeAll(async () => {
  f = await startEntra('entra-facts');
});
afterAll(async () => {
  await f.dispose();
});

async function joinWith(attributes: Record<string, string>): Promise<DrsJoinResponse> {
  const token = await drsToken(f);
  const { body } = await joinBody(f, { Attributes: attributes });
  const r = await postJson(f.lab, `${f.entra.drsUrl}${ENTRA_PATHS.drsJoin}?api-version=2.0`, body, { authorization: `Bearer ${token}` });
  expect(r.status, r.text()).toBe(200);
  return r.json<DrsJoinResponse>();
}

describe('MembershipChanges in the join reply (MS-DVRJ join response; AADInternals Join-AADIntAzureAD)', () => {
  it('with ReturnClientSid: local Administrators (S-1-5-32-544) gets the two admin roles\' SIDs and the joining user\'s', async () => {
    const reply = await joinWith({ ReuseDevice: 'true', ReturnClientSid: 'true' });
    const roles = f.entra.store.read((db) => db.prepare(`SELECT object_id, display_name FROM directory_roles ORDER BY rowid`).all() as { object_id: string; display_name: string }[]);
    const userOid = f.entra.store.read((db) => db.prepare(`SELECT object_id FROM users WHERE upn = ?`).pluck().get(alice(f).upn) as string);
    expect(roles.map((r) => r.display_name)).toEqual(['Global Administrator', 'Microsoft Entra Joined Device Local Administrator']);
    expect(reply.MembershipChanges).toEqual([{ LocalSID: 'S-1-5-32-544', AddSIDs: [...roles.map((r) => objectIdToSid(r.object_id)), objectIdToSid(userOid)] }]);
    for (const sid of reply.MembershipChanges![0]!.AddSIDs) expect(sid).toMatch(/^S-1-12-1-\d+-\d+-\d+-\d+$/);
  });

  it('without ReturnClientSid the reply has no MembershipChanges', async () => {
    const reply = await joinWith({ ReuseDevice: 'true' });
    expect(reply.MembershipChanges).toBeUndefined();
  });
});

describe('a disabled device (devices.enabled = 0): AADSTS135011', () => {
  let device: JoinedDevice;
  let prt: OAuthPrtResponse;
  let sessionKey: Buffer;
  beforeAll(async () => {
    device = await join(f);
    const r = await requestPrt(f, device, passwordPrtPayload(f, await srvChallenge(f)));
    prt = r.json<OAuthPrtResponse>();
    sessionKey = unwrapSessionKeyJwe(prt.session_key_jwe, device.transportKey.privateKey);
    // An admin disables the device in the directory.
    f.entra.store.tx((db) => db.prepare(`UPDATE devices SET enabled = 0 WHERE device_id = ?`).run(device.deviceId));
  });

  async function refused(send: () => Promise<{ status: number; json<T>(): T }>) {
    const before = f.entra.store.fileBytes();
    const r = await send();
    expect(f.entra.store.fileBytes().equals(before)).toBe(true);
    expect(r.status).toBe(400);
    return r.json<{ error: string; error_codes: number[]; error_description: string }>();
  }

  it('at the PRT request (the device key proves a disabled device)', async () => {
    const nonce = await srvChallenge(f);
    const body = await refused(() => requestPrt(f, device, passwordPrtPayload(f, nonce)));
    expect(body).toMatchObject({ error: 'invalid_grant', error_codes: [135011] });
    expect(body.error_description).toMatch(/^AADSTS135011: Device used during the authentication is disabled\./);
  });

  it('at the PRT exchange (the PRT is bound to the disabled device)', async () => {
    const nonce = await srvChallenge(f);
    const payload = { client_id: BROKER, grant_type: 'refresh_token', refresh_token: prt.refresh_token, request_nonce: nonce, scope: 'openid', resource: 'urn:ms-drs:enterpriseregistration.windows.net', iat: String(f.lab.clock.seconds()) };
    const request = signWithSessionKey(payload, sessionKey, { ctx: f.lab.ids.bytes(24), kdfVer: 2 });
    const body = await refused(() => postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', request, client_info: '1' }));
    expect(body).toMatchObject({ error: 'invalid_grant', error_codes: [135011] });
  });
});

describe('the first-party public clients Windows and libhimmelblau sign in with', () => {
  const CLIENTS: [string, string][] = [
    ['29d9ed98-a469-4536-ade2-f981bc1d605e', 'Microsoft Authentication Broker'],
    ['38aa3b87-a06d-4817-b275-7a316988d93b', 'Windows Sign In'],
    ['dd762716-544d-4aeb-a526-687b73838a22', 'Microsoft Device Registration Client'],
    ['1b730954-1685-4b74-9bfd-dac224a7b894', 'Azure Active Directory PowerShell'],
    ['b743a22d-6705-4147-8670-d92fa515ee2b', 'Microsoft Intune Company Portal for Linux'],
    ['1fec8e78-bce4-4aaf-ab1b-5451cc387264', 'Microsoft Teams'],
    ['d3590ed6-52b3-4102-aeff-aad2292ab01c', 'Microsoft Office'],
    ['c44b4083-3bb0-49c1-b47d-974e53cbdf3c', 'Azure Portal'],
    ['4765445b-32c6-49b0-83e6-1d93765276ca', 'OfficeHome'],
  ];
  it('are seeded as public clients with their display names', () => {
    const rows = f.entra.store.read((db) => db.prepare(`SELECT app_id, display_name, public_client FROM applications`).all() as { app_id: string; display_name: string; public_client: number }[]);
    for (const [id, name] of CLIENTS) expect(rows.find((r) => r.app_id === id), id).toEqual({ app_id: id, display_name: name, public_client: 1 });
  });

  for (const [id, name] of [CLIENTS[2]!, CLIENTS[5]!]) {
    it(`${name} (${id.slice(0, 8)}) can sign a user in by ROPC; an unknown client is AADSTS700016`, async () => {
      const ok = await postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`, { grant_type: 'password', client_id: id, resource: 'https://graph.microsoft.com', username: alice(f).upn, password: alice(f).password });
      expect(ok.status).toBe(200);
      const before = f.entra.store.fileBytes();
      const unknown = await postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId)}`, { grant_type: 'password', client_id: '00000000-1111-2222-3333-444444444444', resource: 'https://graph.microsoft.com', username: alice(f).upn, password: alice(f).password });
      expect(unknown.json()).toMatchObject({ error_codes: [700016] });
      expect(f.entra.store.fileBytes().equals(before)).toBe(true);
    });
  }
});
