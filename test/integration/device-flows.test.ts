import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { deviceLab } from '../helpers/device-lab.js';
import { createDevice } from '../../emulators/device/index.js';
import { parseSyncML } from '../../emulators/protocols/syncml.js';

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => dispose?.());

/** A device that signed in as alice at OOBE, joined Entra, got its PRT and enrolled in the MDM server. */
async function enrolledDevice(seed: string) {
  const env = await deviceLab(seed);
  dispose = env.dispose;
  const alice = env.entra.users.find((u) => !u.mfa)!;
  const device = await createDevice({ lab: env.lab, entraUrl: env.entra.url, mdmUrl: env.mdm.url, user: { upn: alice.upn, password: alice.password } });
  await device.oobeSignIn();
  await device.join();
  await device.getPrt();
  await device.enrollMdm();
  return { env, device };
}

describe('device flows against the real servers', () => {
  it("after a full Autopilot run the device's and the TPM's DB files hold no private key and no PEM", async () => {
    const { env, device } = await enrolledDevice('device-sealed');
    const keys = await Promise.all(['device', 'transport', 'mdm-client'].map(async (p) => (await env.lab.keys.rsa(`device-tpm-${p}-1`)).privateKey));
    for (const file of [device.store.file, device.tpm.storeFile]) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from('PRIVATE KEY')), file).toBe(false);
      for (const k of keys) {
        expect(bytes.includes(k.export({ type: 'pkcs8', format: 'der' })), file).toBe(false);
        expect(bytes.includes(k.export({ type: 'pkcs1', format: 'der' })), file).toBe(false);
        expect(bytes.includes(Buffer.from(k.export({ format: 'jwk' }).d!, 'base64url').subarray(0, 48)), file).toBe(false);
      }
    }
    // The keys are there, sealed: three RSA keys and the PRT session key.
    expect(device.tpm.objects().map((o) => o.purpose).sort()).toEqual(['device', 'mdm-client', 'prt-session', 'transport']);
  });

  it('reports the MSI result in the next session with a 1224 win32csp_install alert, once', async () => {
    const { env, device } = await enrolledDevice('device-msi-report');
    const first = await device.syncManagement();
    expect(first.installs.map((i) => i.productId)).toEqual(['{A427C0AA-E2D5-40DF-ACE8-0D726A6BE096}']);
    expect(device.csp.value('./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/{A427C0AA-E2D5-40DF-ACE8-0D726A6BE096}/Status')).toBe('70');
    const n = env.lab.recorder.all().length;
    await device.syncManagement();
    const second = env.lab.recorder.all().slice(n).filter((s) => s.catalogId === 'omadm.message' && s.protocol.kind === 'syncml' && s.protocol.request?.sessionId === '2');
    const alerts = second.flatMap((s) => parseSyncML(s.request!.body).commands.filter((c) => c.verb === 'Alert' && c.items[0]?.meta?.type?.includes('win32csp_install')));
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts[0]!.data).toBe('1224');
    expect(alerts[0]!.items[0]!.data).toBe('0');
    const m = env.lab.recorder.all().length;
    await device.syncManagement();
    const third = env.lab.recorder.all().slice(m).filter((s) => s.catalogId === 'omadm.message' && s.protocol.kind === 'syncml' && s.protocol.request?.sessionId === '3');
    expect(third.some((s) => s.request!.body.includes('win32csp_install'))).toBe(false);
  });

  it('signs in with MFA on the login pages: BeginAuth, the user approves the push, EndAuth, ProcessAuth, the code', async () => {
    const env = await deviceLab('device-mfa');
    dispose = env.dispose;
    const bob = env.entra.users.find((u) => u.mfa)!;
    const device = await createDevice({
      lab: env.lab,
      entraUrl: env.entra.url,
      mdmUrl: env.mdm.url,
      user: { upn: bob.upn, password: bob.password, approveMfa: (id) => env.entra.resolveMfa(id, true) },
    });
    const s = await device.oobeSignIn('mfa');
    expect(s.upn).toBe(bob.upn);
    expect(env.lab.promptCount).toBe(1);
    const ids = env.lab.recorder.all().map((st) => st.catalogId);
    expect(ids).toEqual(expect.arrayContaining(['entra.authorize', 'entra.login.credential-type', 'entra.login.credentials', 'entra.login.begin-auth', 'user.mfa-answer', 'entra.login.end-auth', 'entra.login.process-auth', 'entra.token.auth-code']));
    expect(ids).not.toContain('entra.token.password');
    expect(s.accessToken.split('.').length).toBe(3);
    expect(JSON.parse(Buffer.from(s.accessToken.split('.')[1]!, 'base64url').toString())).toMatchObject({ aud: 'urn:ms-drs:enterpriseregistration.windows.net', amr: ['pwd', 'mfa'] });
    await device.join();
    expect((await device.getPrt()).mdmToken.deviceId).toBe(device.state.get('join')!.deviceId);
  });

  it('signs in with a device code the user enters on another screen', async () => {
    const env = await deviceLab('device-code');
    dispose = env.dispose;
    const alice = env.entra.users.find((u) => !u.mfa)!;
    const device = await createDevice({
      lab: env.lab,
      entraUrl: env.entra.url,
      mdmUrl: env.mdm.url,
      user: { upn: alice.upn, password: alice.password, approveDeviceCode: (code) => env.entra.approveDeviceCode(code, alice.upn) },
    });
    const s = await device.oobeSignIn('device-code');
    expect(s.method).toBe('device-code');
    expect(s.upn).toBe(alice.upn);
    expect(env.lab.promptCount).toBe(1);
  });
});
