import { test, expect, screenshotPath, type Host } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import type { EntraPending } from '../../app/contract.js';

/** Azure AD PowerShell: a first-party client whose registered redirect URI is https, so the browser can be sent there. */
const POWERSHELL = '1b730954-1685-4b74-9bfd-dac224a7b894';
const NATIVE = 'https://login.microsoftonline.com/common/oauth2/nativeclient';

/** The lab's phone over the UI API, as an outside person would use it (GET /api/entra/pending, POST /api/entra/mfa/:id). */
const labApi = (host: Host, method: 'GET' | 'POST', path: string, body?: unknown) =>
  fetch(`${host.ui.url}${path}`, { method, headers: { authorization: `Bearer ${host.ui.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) }, ...(body !== undefined && { body: JSON.stringify(body) }) });

test('mfa-signin in the UI: the login-page steps, the push in the sign-in requests, approving it finishes the run', async ({ host, page }) => {
  await host.open(page);
  await page.getByLabel('Scenario', { exact: true }).selectOption('mfa-signin');
  // Hold the run at the first EndAuth poll: the push is out and waits for the phone.
  await page.locator('details.breakpoints > summary').click();
  await page.getByLabel('Breakpoint kind').selectOption({ label: 'Step kind' });
  await page.getByLabel('Breakpoint step kind').selectOption('entra.login.end-auth');
  await page.getByRole('button', { name: 'Add breakpoint' }).click();
  await page.locator('details.breakpoints > summary').click();
  await ui.button(page, 'Run').click();
  await ui.waitUntilWaiting(page);
  const steps = ui.steps(page);
  await expect(steps.locator('.step-row.waiting')).toHaveAttribute('data-catalog-id', 'entra.login.end-auth');
  for (const id of ['entra.authorize', 'oobe.signin-prompt', 'entra.login.credential-type', 'entra.login.credentials', 'entra.login.begin-auth']) await expect(steps.locator(`[data-catalog-id="${id}"]`)).toHaveCount(1);

  await page.getByRole('button', { name: 'Console', exact: true }).click();
  const requests = page.getByRole('region', { name: 'Sign-in requests' });
  const bob = host.session.current.entra.users.find((u) => u.mfa)!;
  await expect(requests).toContainText(`MFA push for ${bob.upn}: number`);
  await requests.getByRole('button', { name: 'Approve' }).click();
  await expect(requests.getByRole('status')).toContainText('Approved on the phone.');

  await ui.clearBreakpoints(page);
  await ui.button(page, 'Continue').click();
  await ui.waitUntilEnded(page);
  await expect(ui.status(page)).toHaveAttribute('data-status', 'done');
  // The run's steps (the list is virtualised: the host's record says what happened, the list shows the part in view).
  const ids = host.session.steps().map((s) => s.catalogId);
  expect(ids).toEqual(expect.arrayContaining(['user.mfa-answer', 'entra.login.end-auth', 'entra.login.process-auth', 'entra.token.auth-code', 'drs.join']));
  expect(ids).not.toContain('entra.token.password');
  await page.getByRole('button', { name: 'Close' }).click();
  await page.keyboard.press('g');
  const processAuth = steps.locator('[data-catalog-id="entra.login.process-auth"]');
  await processAuth.scrollIntoViewIfNeeded();
  await processAuth.click();
  await expect(processAuth).toHaveAttribute('aria-current', 'true');
  await expect(steps.locator('[data-catalog-id="user.mfa-answer"]')).toContainText('User approves sign-in');
  await page.screenshot({ path: screenshotPath('web-signin.png') });
});

for (const zoom of [{ name: '100 %', scale: 1 }, { name: '150 %', scale: 1.5 }]) {
  test.describe(`at ${zoom.name}`, () => {
    test.use({ viewport: { width: Math.round(1280 / zoom.scale), height: Math.round(720 / zoom.scale) }, deviceScaleFactor: zoom.scale });

    test('a person signs in on the login page in Chromium: username, password, the number to approve, the code at the redirect URI', async ({ host, page }) => {
      const entra = host.session.current.entra;
      const bob = entra.users.find((u) => u.mfa)!;
      let landed = '';
      await page.route(`${NATIVE}**`, (route) => {
        landed = route.request().url();
        return route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>The client got its code</h1>' });
      });
      const q = new URLSearchParams({ client_id: POWERSHELL, response_type: 'code', redirect_uri: NATIVE, resource: 'https://graph.microsoft.com', state: 'e2e' });
      await page.goto(`${entra.url}/organizations/oauth2/authorize?${q}`);
      await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
      await page.getByPlaceholder('Email, phone, or Skype').fill(`nobody@${entra.tenantDomain}`);
      await page.getByRole('button', { name: 'Next' }).click();
      await expect(page.getByRole('alert')).toContainText('This username may be incorrect');
      await page.getByPlaceholder('Email, phone, or Skype').fill(bob.upn);
      await page.getByRole('button', { name: 'Next' }).click();
      await expect(page.getByRole('heading', { name: 'Enter password' })).toBeVisible();
      await expect(page.locator('#who-name')).toHaveText(bob.upn);
      if (zoom.scale === 1.5) await page.screenshot({ path: 'test-results/screenshots/login-page-password-150.png' });
      await page.getByPlaceholder('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('alert')).toContainText('Your account or password is incorrect');
      await page.getByPlaceholder('Password').fill(bob.password);
      await page.getByRole('button', { name: 'Sign in' }).click();

      await expect(page.getByRole('heading', { name: 'Approve sign in request' })).toBeVisible();
      await expect(page.locator('#entropy')).toHaveText(/^\d\d$/);
      const entropy = Number(await page.locator('#entropy').textContent());
      const pending = (await (await labApi(host, 'GET', '/api/entra/pending')).json()) as EntraPending;
      const push = pending.mfa.find((m) => m.upn === bob.upn)!;
      expect(push.entropy).toBe(entropy);
      await page.screenshot({ path: zoom.scale === 1 ? screenshotPath('login-page.png') : 'test-results/screenshots/login-page-150.png' });
      expect((await labApi(host, 'POST', `/api/entra/mfa/${push.id}`, { approve: true })).status).toBe(200);

      await expect(page.getByRole('heading', { name: 'The client got its code' })).toBeVisible({ timeout: 15_000 });
      const to = new URL(landed);
      expect(to.searchParams.get('state')).toBe('e2e');
      const code = to.searchParams.get('code')!;
      const tokens = (await (await fetch(`${entra.url}/organizations/oauth2/token`, { method: 'POST', body: new URLSearchParams({ client_id: POWERSHELL, grant_type: 'authorization_code', code, redirect_uri: NATIVE }) })).json()) as { access_token: string };
      expect(JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString())).toMatchObject({ upn: bob.upn, amr: ['pwd', 'mfa'] });
    });
  });
}
