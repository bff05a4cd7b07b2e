import { afterEach, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { deviceLab } from '../helpers/device-lab.js';
import { createDevice } from '../../emulators/device/index.js';
import { RESOURCES } from '../../emulators/protocols/oauth.js';

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => dispose?.());

/** A device that signed in as alice at OOBE and joined Entra. */
async function joinedDevice(seed: string) {
  const env = await deviceLab(seed);
  dispose = env.dispose;
  const alice = env.entra.users.find((u) => !u.mfa)!;
  const device = await createDevice({ lab: env.lab, entraUrl: env.entra.url, mdmUrl: env.mdm.url, user: { upn: alice.upn, password: alice.password } });
  await device.oobeSignIn();
  await device.join();
  return { env, device, alice };
}

describe('the virtual device gets its MDM token by PRT SSO (libhimmelblau exchange_prt_for_access_token)', () => {
  it('nonce, TPM-made cookie (KDFv2) and device credential, authorize 302 with a code, its redemption, the MDM token with deviceid', async () => {
    const { env, device, alice } = await joinedDevice('device-prt-sso');
    const from = env.lab.recorder.all().length;
    const { mdmToken } = await device.getPrt({ mdmTokenVia: 'prt-sso' });
    const steps = env.lab.recorder.all().slice(from);
    const ids = steps.map((s) => s.catalogId);
    // The broker exchange is not used on this path; authorize and the code redemption are.
    expect(ids).not.toContain('prt.exchange');
    const authorize = steps.find((s) => s.catalogId === 'entra.authorize.prt-sso')!;
    expect(ids.indexOf('entra.authorize.prt-sso')).toBeLessThan(ids.indexOf('prt.sso.redeem-code'));
    expect(authorize.response!.status).toBe(302);
    expect(authorize.response!.headers.location).toMatch(/^ms-aadj-redir:\/\/auth\/mdm\?code=/);
    const cookie = authorize.request!.headers['x-ms-RefreshTokenCredential']!;
    expect(decodeProtectedHeader(cookie)).toMatchObject({ alg: 'HS256', kdf_ver: 2 });
    expect(decodeJwt(cookie)).toMatchObject({ is_primary: 'true', windows_api_version: '2.0.1' });
    const credential = authorize.request!.headers['x-ms-DeviceCredential']!;
    expect(decodeJwt(credential)).toMatchObject({ grant_type: 'device_auth', request_nonce: decodeJwt(cookie).request_nonce });
    expect(Array.isArray(decodeProtectedHeader(credential).x5c)).toBe(true);
    expect(steps.find((s) => s.catalogId === 'prt.sso.redeem-code')!.response!.status).toBe(200);
    const claims = decodeJwt(mdmToken.accessToken);
    expect(claims).toMatchObject({ upn: alice.upn, deviceid: device.state.require('join', '').deviceId, aud: `${new URL(env.mdm.url).origin}/` });
    expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'rsa']));
    // The token enrolls as the broker exchange's does.
    await device.enrollMdm();
  });

  it('a DRS token by PRT SSO (the broker with its ms-appx-web DRS redirect URI) carries deviceid', async () => {
    const { device } = await joinedDevice('device-prt-sso-drs');
    await device.getPrt();
    const tokens = await device.tokenByPrtSso({ clientId: '29d9ed98-a469-4536-ade2-f981bc1d605e', redirectUri: 'ms-appx-web://Microsoft.AAD.BrokerPlugin/DRS', resource: RESOURCES.drs });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: RESOURCES.drs, deviceid: device.state.require('join', '').deviceId });
  });
});

describe('the Autopilot scenarios take the path as an option', () => {
  it('mdmToken=prt-sso selects PRT SSO; the default is WAM\'s broker exchange; anything else is refused', async () => {
    const { optionsOf, AUTOPILOT_OPTIONS } = await import('../../emulators/scenarios/flows/autopilot.js');
    expect(AUTOPILOT_OPTIONS.find((o) => o.name === 'mdmToken')).toMatchObject({ kind: 'select', choices: ['broker', 'prt-sso'], default: 'broker' });
    expect(optionsOf({}).mdmTokenVia).toBe('broker');
    expect(optionsOf({ mdmToken: 'prt-sso' }).mdmTokenVia).toBe('prt-sso');
    expect(() => optionsOf({ mdmToken: 'cookie' })).toThrow(/mdmToken must be broker or prt-sso/);
  });
});
