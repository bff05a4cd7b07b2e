import { describe, expect, it } from 'vitest';
import { uiHost } from '../helpers/ui-host.js';
import type { EntraPending } from '../../app/contract.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';
import { readConfig } from '../../emulators/protocols/login-config.js';

const host = uiHost();
const api = host.call;
const BROKER = '29d9ed98-a469-4536-ade2-f981bc1d605e';
const form = (url: string, body: Record<string, string>) => fetch(url, { method: 'POST', body: new URLSearchParams(body) });

describe("the user's other screen in the lab UI", () => {
  it("lists an outside client's device code, and entering it as a user lets the client's poll succeed", async () => {
    const entra = host.session.current.entra;
    const dc = (await (await form(`${entra.url}${ENTRA_PATHS.deviceCode('organizations', '2.0')}`, { client_id: BROKER, scope: 'openid offline_access' })).json()) as { device_code: string; user_code: string; interval: number };
    const pending = (await api('GET', '/api/entra/pending')).body as unknown as EntraPending;
    expect(pending.deviceCodes.map((d) => d.userCode)).toContain(dc.user_code);
    const upn = pending.users.find((u) => !u.mfa)!.upn;
    expect((await api('POST', `/api/entra/device-codes/${dc.user_code}`, { upn })).status).toBe(200);
    host.session.advanceClock(dc.interval * 1000);
    const poll = (await (await form(`${entra.url}${ENTRA_PATHS.token('organizations', '2.0')}`, { client_id: BROKER, grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: dc.device_code })).json()) as { access_token?: string };
    expect(poll.access_token).toBeTruthy();
  });

  it("answers an outside client's MFA push: BeginAuth's push is listed, approving it lets the client's EndAuth succeed", async () => {
    const entra = host.session.current.entra;
    const bob = entra.users.find((u) => u.mfa)!;
    const cfgOf = async (r: Response) => readConfig(await r.text())!;
    // The login pages as libhimmelblau drives them, from outside the lab (plain fetch).
    const q = new URLSearchParams({ client_id: BROKER, response_type: 'code', redirect_uri: 'msauth://Microsoft.AAD.BrokerPlugin', resource: 'urn:ms-drs:enterpriseregistration.windows.net', prompt: 'login' });
    const first = await cfgOf(await fetch(`${entra.url}${ENTRA_PATHS.authorize('organizations')}?${q}`));
    const tfa = await cfgOf(await form(first.urlPost!, { login: bob.upn, passwd: bob.password, ctx: first.sCtx!, flowToken: first.sFT!, canary: first.canary! }));
    const json = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', canary: tfa.canary! }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ Success: boolean; SessionId: string; Entropy: number; ResultValue: string }>);
    const begun = await json(tfa.urlBeginAuth!, { AuthMethodId: 'PhoneAppNotification', Method: 'BeginAuth', ctx: tfa.sCtx, flowToken: tfa.sFT });
    const pending = (await api('GET', '/api/entra/pending')).body as unknown as EntraPending;
    expect(pending.mfa).toContainEqual({ id: begun.SessionId, upn: bob.upn, entropy: begun.Entropy });
    expect((await api('POST', `/api/entra/mfa/${begun.SessionId}`, { approve: true })).status).toBe(200);
    expect(((await api('GET', '/api/entra/pending')).body as unknown as EntraPending).mfa).toEqual([]);
    const ended = await json(tfa.urlEndAuth!, { AuthMethodId: 'PhoneAppNotification', Method: 'EndAuth', SessionId: begun.SessionId, FlowToken: tfa.sFT, Ctx: tfa.sCtx, PollCount: 1 });
    expect(ended).toMatchObject({ Success: true, ResultValue: 'Success' });
  });

  it('an unknown device code gets 400 and changes nothing', async () => {
    const before = host.session.current.entra.store.fileBytes();
    const r = await api('POST', '/api/entra/device-codes/NOSUCHCODE', { upn: 'alice@enrollscope.onmicrosoft.com' });
    expect(r.status).toBe(400);
    expect(r.body.error).toContain('no device code');
    expect(host.session.current.entra.store.fileBytes().equals(before)).toBe(true);
  });
});
