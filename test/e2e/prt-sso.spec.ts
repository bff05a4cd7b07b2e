import { test, expect, screenshotPath } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { stepRowMatching } from './step-rows.js';

test('with the MDM token by PRT SSO, the authorize step shows the PRT cookie decoded with its KDF on the Tokens tab', async ({ host, page }) => {
  await host.open(page);
  await page.getByLabel('Scenario', { exact: true }).selectOption('autopilot-eua');
  await page.locator('details.options > summary').click();
  await page.getByRole('group', { name: 'Scenario options' }).getByLabel('MDM token from the PRT').selectOption('prt-sso');
  await page.locator('details.options > summary').click();
  await ui.button(page, 'Run').click();
  await ui.waitUntilEnded(page);
  const step = host.session.steps().find((s) => s.catalogId === 'entra.authorize.prt-sso');
  expect(step, 'the run has a PRT SSO step').toBeTruthy();
  // The list is virtual: filter it down to the step so that its row is rendered (a long run scrolls it away).
  await page.getByLabel('Filter steps').fill(step!.title);
  await (await stepRowMatching(page, '[data-catalog-id="entra.authorize.prt-sso"]')).click();
  await page.getByLabel('Filter steps').fill('');
  await ui.tab(page, 'Tokens').click();
  const cookie = page.locator('.token-card', { has: page.locator('.token-kdf') }).first();
  await expect(cookie.locator('.token-kdf')).toHaveAttribute('data-kdf', '2');
  await expect(cookie.locator('.token-kdf')).toContainText('SHA256(ctx ‖ payload)');
  await expect(cookie.locator('tr[data-claim="is_primary"]')).toContainText('true');
  await expect(cookie.locator('tr[data-claim="kdf_ver"]')).toBeVisible();
  await page.screenshot({ path: screenshotPath('inspector-prt-cookie.png') });
  // The KDF line stays readable at 150 % on a small screen.
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.evaluate(() => (document.documentElement.style.zoom = '1.5'));
  await cookie.locator('.token-kdf').scrollIntoViewIfNeeded();
  await expect(cookie.locator('.token-kdf')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/inspector-prt-cookie-150.png' });
});
