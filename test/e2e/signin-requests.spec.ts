import { test, expect, screenshotPath } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { readConfig } from '../../emulators/protocols/login-config.js';

const BROKER = '29d9ed98-a469-4536-ade2-f981bc1d605e';
const form = (url: string, body: Record<string, string>) => fetch(url, { method: 'POST', body: new URLSearchParams(body) });

test("an outside client's device code appears in the console, and entering it as a user lets the client's poll succeed", async ({ host, page }) => {
  await host.open(page);
  const entra = host.session.current.entra;
  const dc = (await (await form(`${entra.url}/organizations/oauth2/v2.0/devicecode`, { client_id: BROKER, scope: 'openid offline_access' })).json()) as { device_code: string; user_code: string; interval: number };
  await page.getByRole('button', { name: 'Console', exact: true }).click();
  const requests = page.getByRole('region', { name: 'Sign-in requests' });
  await expect(requests).toContainText(dc.user_code);
  await requests.getByRole('button', { name: 'Enter code and sign in' }).click();
  await expect(requests.getByRole('status')).toContainText(`entered ${dc.user_code} and signed in`);
  await expect(requests).toContainText('Nothing is waiting for the user.');
  host.session.advanceClock(dc.interval * 1000);
  const poll = (await (await form(`${entra.url}/organizations/oauth2/v2.0/token`, { client_id: BROKER, grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: dc.device_code })).json()) as { access_token?: string };
  expect(poll.access_token).toBeTruthy();
});

test('an MFA push is answered from the console, and the timeline shows the user approving it', async ({ host, page }) => {
  await host.open(page);
  const entra = host.session.current.entra;
  const bob = entra.users.find((u) => u.mfa)!;
  // The push of an outside client on the login pages: the authorize page, the password POST, BeginAuth.
  const cfg = async (r: Response) => readConfig(await r.text())!;
  const q = new URLSearchParams({ client_id: BROKER, response_type: 'code', redirect_uri: 'msauth://Microsoft.AAD.BrokerPlugin', resource: 'urn:ms-drs:enterpriseregistration.windows.net' });
  const first = await cfg(await fetch(`${entra.url}/organizations/oauth2/authorize?${q}`));
  const tfa = await cfg(await form(first.urlPost!, { login: bob.upn, passwd: bob.password, ctx: first.sCtx!, flowToken: first.sFT!, canary: first.canary! }));
  await fetch(tfa.urlBeginAuth!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ AuthMethodId: 'PhoneAppNotification', Method: 'BeginAuth', ctx: tfa.sCtx, flowToken: tfa.sFT }) });
  await page.getByRole('button', { name: 'Console', exact: true }).click();
  const requests = page.getByRole('region', { name: 'Sign-in requests' });
  await expect(requests).toContainText(`MFA push for ${bob.upn}`);
  await page.screenshot({ path: screenshotPath('signin-requests.png') });
  await requests.getByRole('button', { name: 'Approve' }).click();
  await expect(requests.getByRole('status')).toContainText('Approved on the phone.');
  await expect(ui.steps(page)).toContainText('User approves sign-in');
});
