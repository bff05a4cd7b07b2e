import { describe, expect, it } from 'vitest';
import { uiHost } from '../helpers/ui-host.js';
import type { EntraPending } from '../../app/contract.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';

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

  it('answers an MFA push: the pending request is listed, approving it lets the client redeem it', async () => {
    const entra = host.session.current.entra;
    const bob = entra.users.find((u) => u.mfa)!;
    const r = (await (await form(`${entra.url}${ENTRA_PATHS.token('organizations', '2.0')}`, { client_id: BROKER, grant_type: 'password', username: bob.upn, password: bob.password, scope: 'openid' })).json()) as { error: string; mfa_request_id: string };
    expect(r.error).toBe('invalid_grant');
    const pending = (await api('GET', '/api/entra/pending')).body as unknown as EntraPending;
    expect(pending.mfa.map((m) => m.id)).toContain(r.mfa_request_id);
    expect((await api('POST', `/api/entra/mfa/${r.mfa_request_id}`, { approve: true })).status).toBe(200);
    expect(((await api('GET', '/api/entra/pending')).body as unknown as EntraPending).mfa).toEqual([]);
  });

  it('an unknown device code gets 400 and changes nothing', async () => {
    const before = host.session.current.entra.store.fileBytes();
    const r = await api('POST', '/api/entra/device-codes/NOSUCHCODE', { upn: 'alice@enrollscope.onmicrosoft.com' });
    expect(r.status).toBe(400);
    expect(r.body.error).toContain('no device code');
    expect(host.session.current.entra.store.fileBytes().equals(before)).toBe(true);
  });
});
