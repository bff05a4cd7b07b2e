import { test, expect, screenshotPath } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { stepRowMatching } from './step-rows.js';

test('the HTTPS run option: every party on https from the lab CA, whose file the options name', async ({ host, page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await host.open(page);
  await page.locator('details.options > summary').click();
  const options = page.getByRole('group', { name: 'Scenario options' });
  await expect(options.getByTestId('lab-ca-file')).toHaveCount(0);
  await options.getByLabel('HTTPS').check();
  await page.locator('details.options > summary').click();
  await ui.button(page, 'Run').click();
  await ui.waitUntilEnded(page);
  await expect(page.locator('[data-status="done"]').first()).toBeVisible();

  // Orbit, started by the MSI at the end of the run, enrolled over HTTPS too: it trusts the lab CA.
  await (await stepRowMatching(page, '[data-catalog-id="orbit.enroll"]')).click();
  await ui.tab(page, 'Request').click();
  await expect(page.getByText(/https:\/\/127\.0\.0\.1:\d+\/api\/fleet\/orbit\/enroll/).first()).toBeVisible();

  await page.locator('details.options > summary').click();
  await expect(options.getByLabel('HTTPS')).toBeChecked();
  await expect(options.getByTestId('lab-ca-file')).toContainText('tls/lab-ca.pem');
  await page.screenshot({ path: screenshotPath('tls-option.png') });
  // At 150 % the CA path wraps inside the popover instead of running out of it.
  await page.evaluate(() => ((document.documentElement.style as CSSStyleDeclaration & { zoom: string }).zoom = '1.5'));
  const box = await options.getByTestId('lab-ca-file').boundingBox();
  const pop = await options.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(pop!.x + pop!.width + 1);
  await page.screenshot({ path: 'test-results/screenshots/tls-option-150.png' });
});
