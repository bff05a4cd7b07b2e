import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startEntra, postForm, alice, BROKER, type EntraFixture } from '../helpers/entra.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';

let f: EntraFixture;
beforeEach(async () => {
  f = await startEntra();
});
afterEach(async () => {
  await f.dispose();
});

async function startCode(): Promise<{ device_code: string; user_code: string; verification_uri: string; interval: number }> {
  const r = await postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.deviceCode(f.entra.tenantId, '2.0')}`, { client_id: BROKER, scope: 'openid offline_access' });
  return r.json();
}

const submit = (body: Record<string, string>) =>
  fetch(`${f.entra.url}${ENTRA_PATHS.deviceLogin}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });

describe('the device login page (RFC 8628 §3.3)', () => {
  it('is a form for the code and the sign-in', async () => {
    const res = await fetch(`${f.entra.url}${ENTRA_PATHS.deviceLogin}`);
    const html = await res.text();
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('name="otc"');
    expect(html).toContain('name="password"');
  });

  it('approves the code when the user signs in, and the polling device gets its tokens', async () => {
    const dc = await startCode();
    const u = alice(f);
    const res = await submit({ otc: dc.user_code, username: u.upn, password: u.password, action: 'approve' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("You're signed in");
    f.lab.clock.advance(dc.interval * 1000);
    const poll = await postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId, '2.0')}`, { client_id: BROKER, grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: dc.device_code });
    expect(poll.status).toBe(200);
    expect(poll.json<{ access_token: string }>().access_token).toBeTruthy();
  });

  it('a wrong password shows AADSTS50126 on the page and changes nothing', async () => {
    const dc = await startCode();
    const before = f.entra.store.fileBytes();
    const res = await submit({ otc: dc.user_code, username: alice(f).upn, password: 'wrong', action: 'approve' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('role="alert"');
    expect(f.entra.store.fileBytes().equals(before)).toBe(true);
  });

  it('an unknown code is refused and changes nothing', async () => {
    const before = f.entra.store.fileBytes();
    const res = await submit({ otc: 'NOPE1234', username: alice(f).upn, password: alice(f).password, action: 'approve' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('no device code');
    expect(f.entra.store.fileBytes().equals(before)).toBe(true);
  });

  it('"This isn\'t me" declines the code', async () => {
    const dc = await startCode();
    expect((await submit({ otc: dc.user_code, action: 'deny' })).status).toBe(200);
    f.lab.clock.advance(dc.interval * 1000);
    const poll = await postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId, '2.0')}`, { client_id: BROKER, grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: dc.device_code });
    expect(poll.json<{ error: string }>().error).toBe('authorization_declined');
  });
});
