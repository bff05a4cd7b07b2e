import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startEntra, postForm, verifyWithServedJwks, alice, bob, BROKER, type EntraFixture } from '../helpers/entra.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';

let f: EntraFixture;
beforeEach(async () => {
  f = await startEntra();
});
afterEach(async () => {
  await f.dispose();
});

interface Started {
  device_code: string;
  user_code: string;
  verification_uri?: string;
  verification_url?: string;
  interval: number | string;
  expires_in: number | string;
  message: string;
}

async function start(v2 = true): Promise<Started> {
  const url = `${f.entra.url}${ENTRA_PATHS.deviceCode(f.entra.tenantId, v2 ? '2.0' : '1.0')}`;
  const r = await postForm(f.lab, url, v2 ? { client_id: BROKER, scope: 'openid offline_access 01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9/.default' } : { client_id: BROKER, resource: 'urn:ms-drs:enterpriseregistration.windows.net' });
  expect(r.status).toBe(200);
  return r.json<Started>();
}

function poll(deviceCode: string, v2 = true) {
  return postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId, v2 ? '2.0' : '1.0')}`, {
    client_id: BROKER,
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    device_code: deviceCode,
  });
}

/** The client waits `interval` seconds of lab time between polls. */
const wait = (s: Started) => f.lab.clock.advance(Number(s.interval) * 1000);

describe('device code flow (RFC 8628, entra-mde2.md §5.3)', () => {
  it('v2 start answers a user code, verification_uri, interval and a message naming both', async () => {
    const s = await start();
    expect(s.user_code).toMatch(/^[A-Z2-9]{9}$/);
    expect(s.verification_uri).toBe(`${f.entra.url}${ENTRA_PATHS.deviceLogin}`);
    expect(s.interval).toBe(5);
    expect(s.expires_in).toBe(900);
    expect(s.message).toContain(s.user_code);
  });

  it('v1 start answers verification_url and numbers as strings', async () => {
    const s = await start(false);
    expect(s.verification_url).toBe(`${f.entra.url}${ENTRA_PATHS.deviceLogin}`);
    expect(s.interval).toBe('5');
  });

  it('pending → the user approves in the lab → the next poll gets tokens for that user', async () => {
    const s = await start();
    const pending = await poll(s.device_code);
    expect(pending.status).toBe(400);
    expect(pending.json<{ error: string; error_codes: number[] }>()).toMatchObject({ error: 'authorization_pending', error_codes: [70016] });

    f.entra.approveDeviceCode(s.user_code, alice(f).upn);
    const approval = f.lab.recorder.all().at(-1)!;
    expect(approval).toMatchObject({ kind: 'local', from: 'user', to: 'entra' });
    expect(approval.changes.some((c) => c.table === 'device_codes' && c.after?.status === 'approved')).toBe(true);

    wait(s);
    const done = await poll(s.device_code);
    expect(done.status).toBe(200);
    const claims = await verifyWithServedJwks(f, done.json<{ access_token: string }>().access_token);
    // DRS is first-party: a v1 token whichever endpoint asked (entra-mde2.md corrections §1).
    expect(claims).toMatchObject({ aud: 'urn:ms-drs:enterpriseregistration.windows.net', upn: alice(f).upn, unique_name: alice(f).upn, scp: 'adrs_access', ver: '1.0' });
    expect(typeof done.json<{ refresh_token: string }>().refresh_token).toBe('string');
  });

  it("approved inside a scenario's own user step, the approval's rows go to that step and no second step opens", async () => {
    const s = await start();
    const before = f.lab.recorder.all().length;
    await f.lab.local({ party: 'user', to: 'entra', catalogId: 'user.devicelogin', title: 'User enters the code' }, () => f.entra.approveDeviceCode(s.user_code, alice(f).upn));
    expect(f.lab.recorder.all()).toHaveLength(before + 1);
    expect(f.lab.recorder.all().at(-1)!.changes.some((c) => c.table === 'device_codes' && c.after?.status === 'approved')).toBe(true);
  });

  it('a redeemed code cannot be redeemed twice', async () => {
    const s = await start();
    f.entra.approveDeviceCode(s.user_code, alice(f).upn);
    expect((await poll(s.device_code)).status).toBe(200);
    wait(s);
    const again = await poll(s.device_code);
    expect(again.json<{ error_codes: number[] }>().error_codes).toEqual([54005]);
  });

  it('an MFA user approving at device login gets amr pwd+mfa', async () => {
    const s = await start();
    f.entra.approveDeviceCode(s.user_code, bob(f).upn);
    const claims = await verifyWithServedJwks(f, (await poll(s.device_code)).json<{ access_token: string }>().access_token);
    expect(claims.amr).toEqual(['pwd', 'mfa']);
  });

  it('polling faster than interval gets slow_down and a longer interval', async () => {
    const s = await start();
    await poll(s.device_code);
    const fast = await poll(s.device_code);
    expect(fast.json<{ error: string; interval: number }>()).toMatchObject({ error: 'slow_down', interval: 10 });
    f.lab.clock.advance(10_000);
    expect((await poll(s.device_code)).json<{ error: string }>().error).toBe('authorization_pending');
  });

  it('after expires_in the poll gets expired_token AADSTS70019 and writes nothing', async () => {
    const s = await start();
    f.lab.clock.advance(901_000);
    const before = f.entra.store.fileBytes();
    const r = await poll(s.device_code);
    expect(r.json<{ error: string; error_codes: number[] }>()).toMatchObject({ error: 'expired_token', error_codes: [70019] });
    expect(f.entra.store.fileBytes().equals(before)).toBe(true);
    expect(() => f.entra.approveDeviceCode(s.user_code, alice(f).upn)).toThrow(/expired/);
  });

  it('a declined code gets authorization_declined', async () => {
    const s = await start();
    f.entra.denyDeviceCode(s.user_code);
    expect((await poll(s.device_code)).json<{ error: string }>().error).toBe('authorization_declined');
  });

  it('ROADtools-style v1 polling with grant_type device_code and `code` works', async () => {
    const s = await start(false);
    f.entra.approveDeviceCode(s.user_code, alice(f).upn);
    const r = await postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token('common')}`, { client_id: BROKER, grant_type: 'device_code', code: s.device_code, resource: 'urn:ms-drs:enterpriseregistration.windows.net' });
    expect(r.status).toBe(200);
    expect((await verifyWithServedJwks(f, r.json<{ access_token: string }>().access_token)).aud).toBe('urn:ms-drs:enterpriseregistration.windows.net');
  });

  it('an unknown device code gets bad_verification_code AADSTS70018 and writes nothing', async () => {
    const before = f.entra.store.fileBytes();
    const r = await poll('DAQABAAEAAAD--nosuchcode');
    expect(r.json<{ error: string; error_codes: number[] }>()).toMatchObject({ error: 'bad_verification_code', error_codes: [70018] });
    expect(f.entra.store.fileBytes().equals(before)).toBe(true);
  });
});
