import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { tempLab } from '../helpers/lab.js';
import { startMdmServer, type MdmServer } from '../../emulators/mdm/server.js';
import { startEntraServer, type EntraServer } from '../../emulators/entra/server.js';
import { globalEnrollSecret } from '../../emulators/mdm/admin.js';
import { seedEnrollment, fleetRows } from '../helpers/mdm-context.js';
import { TestDmClient, package1 } from '../helpers/dm-client.js';
import { orbitEnroll } from '../helpers/orbit-client.js';
import { dataText } from '../../emulators/protocols/syncml.js';
import type { Lab } from '../../emulators/lab/lab.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';

const DEVICE = '1A2B3C4D5E6F708192A3B4C5D6E7F809';
const HW_UUID = '4C4C4544-0042-3510-8052-B7C04F4E5A99';

let lab: Lab;
let mdm: MdmServer;
let entra: EntraServer;
let cleanup: () => void;
beforeEach(async () => {
  const t = tempLab({ seed: 'mdm-sso' });
  lab = t.lab;
  cleanup = t.dispose;
  entra = await startEntraServer({ lab });
  // Fleet before #41381: the MSI install carries no EUA_TOKEN, so orbit has nothing to prove the user with.
  mdm = await startMdmServer({ lab, settings: { euaTokenEnabled: false, idpUrl: entra.url, idpTenantId: entra.tenantId } });
});
afterEach(async () => {
  await mdm.close();
  await entra.close();
  cleanup();
});

function alice() {
  const u = entra.users.find((x) => !x.mfa)!;
  return u;
}

async function browser(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
  return lab.send({
    from: 'user',
    to: 'mdm',
    request: { method, url, headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}, body: form ? new URLSearchParams(form).toString() : '' },
  });
}

function hidden(html: string, name: string): string {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
}

describe('the second prompt: EUA off → END_USER_AUTH_REQUIRED → /mdm/sso → IdP sign-in → retry passes (fleet.md §4.3)', () => {
  it('EUA off: orbit gets 401 on first enroll, the SSO callback links the host, the retry succeeds', async () => {
    const upn = alice().upn;
    seedEnrollment(mdm.ctx, { deviceId: DEVICE, upn, password: 'pw' });
    const client = new TestDmClient(lab, mdm.url, DEVICE, 'pw');
    await client.send(package1(DEVICE));
    const exec = (await client.send(package1(DEVICE))).msg.commands.find((c) => c.verb === 'Exec')!;
    expect(dataText(exec.items[0]!.data)).not.toContain('EUA_TOKEN');

    const secret = globalEnrollSecret(mdm.ctx);
    const first = await orbitEnroll(lab, mdm.url, { enroll_secret: secret, hardware_uuid: HW_UUID });
    expect(first.status).toBe(401);
    expect(first.text()).toContain('END_USER_AUTH_REQUIRED');

    // orbit opens the SSO page; the user starts the sign-in.
    const page = await browser('GET', `${mdm.url}${MDM_PATHS.ssoPage}?initiator=setup_experience&host_uuid=${HW_UUID}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text()).toContain(`action="${MDM_PATHS.ssoStart}"`);
    const start = await browser('POST', `${mdm.url}${MDM_PATHS.ssoStart}`, { initiator: hidden(page.text(), 'initiator'), host_uuid: hidden(page.text(), 'host_uuid') });
    expect(start.status).toBe(303);
    const login = await browser('GET', start.headers.location!);
    expect(login.status).toBe(200);
    const relayState = hidden(login.text(), 'RelayState');

    // A wrong password is refused by the IdP and links nothing.
    const rows = fleetRows(mdm.ctx);
    const wrong = await browser('POST', `${mdm.url}${MDM_PATHS.ssoCallback}`, { RelayState: relayState, username: upn, password: 'wrong' });
    expect(wrong.status).toBe(401);
    expect(fleetRows(mdm.ctx)).toEqual(rows);

    const done = await browser('POST', `${mdm.url}${MDM_PATHS.ssoCallback}`, { RelayState: relayState, username: upn, password: alice().password });
    expect(done.status).toBe(200);
    expect(done.text()).toContain(upn);
    const q = (sql: string) => mdm.ctx.store.read((db) => db.prepare(sql).all());
    const accounts = q(`SELECT uuid, username, fullname, email FROM mdm_idp_accounts`) as { uuid: string; fullname: string }[];
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ username: upn, email: upn, fullname: alice().displayName });
    expect(q(`SELECT host_uuid, account_uuid FROM host_mdm_idp_accounts`)).toEqual([{ host_uuid: HW_UUID, account_uuid: accounts[0]!.uuid }]);
    // The ROPC sign-in went to Entra as a step of its own.
    expect(lab.recorder.all().some((s) => s.from === 'mdm' && s.to === 'entra' && s.response?.status === 200)).toBe(true);

    const retry = await orbitEnroll(lab, mdm.url, { enroll_secret: secret, hardware_uuid: HW_UUID });
    expect(retry.status).toBe(200);
  });

  it('refuses to start the SSO for a host orbit never reported', async () => {
    const before = mdm.ctx.store.fileBytes();
    const res = await browser('POST', `${mdm.url}${MDM_PATHS.ssoStart}`, { initiator: 'setup_experience', host_uuid: 'UNKNOWN-HOST' });
    expect(res.status).toBe(403);
    expect(mdm.ctx.store.fileBytes().equals(before)).toBe(true);
  });

  it('answers the JSON start of Fleet\'s frontend with the sign-in URL', async () => {
    await orbitEnroll(lab, mdm.url, { enroll_secret: globalEnrollSecret(mdm.ctx), hardware_uuid: HW_UUID });
    const res = await lab.send({
      from: 'user',
      to: 'mdm',
      request: { method: 'POST', url: `${mdm.url}${MDM_PATHS.ssoStart}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ initiator: 'setup_experience', host_uuid: HW_UUID }) },
    });
    expect(res.status).toBe(200);
    expect(res.json<{ url: string }>().url).toMatch(new RegExp(`^${mdm.url}${MDM_PATHS.ssoIdpPage}\\?RelayState=[0-9a-f]{32}$`));
  });
});
