import { test, expect, screenshotPath } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';

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

  await ui.steps(page).locator('[data-catalog-id="drs.join"]').first().click();
  await ui.tab(page, 'Request').click();
  await expect(page.getByText(/https:\/\/127\.0\.0\.1:\d+\/EnrollmentServer\/device\//).first()).toBeVisible();

  await page.locator('details.options > summary').click();
  await expect(options.getByLabel('HTTPS')).toBeChecked();
  await expect(options.getByTestId('lab-ca-file')).toContainText('tls/lab-ca.pem');
  await page.screenshot({ path: screenshotPath('tls-option.png') });
});
