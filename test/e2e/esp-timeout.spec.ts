import { test, expect, screenshotPath } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';

test('esp-timeout: the ESP shows, Fleet holds past 2 h 59 min, then fails it with its timeout text and buttons', async ({ host, page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await host.open(page);
  await ui.runScenario(page, 'esp-timeout');
  await expect(ui.status(page)).toHaveAttribute('data-status', 'done');

  const steps = host.session.steps();
  const esp = steps.filter((s) => s.catalogId === 'device.esp');
  expect(esp.map((s) => (s.detail?.esp as { state: string }).state)).toEqual(['showing', 'failed']);
  // Filtered to the ESP, as a person would: each change is a row with its catalog id and a device → user arrow.
  await page.getByLabel('Filter steps').fill('Enrollment Status Page');
  for (const s of esp) await expect(ui.steps(page).locator(`[data-step-index="${s.index}"]`)).toHaveAttribute('data-catalog-id', 'device.esp');

  // The failed ESP: its row names Fleet's text and the buttons; its Spec tab is the DMClient CSP's FirstSyncStatus.
  const failed = esp[1]!;
  const row = ui.steps(page).locator(`[data-step-index="${failed.index}"]`);
  await row.click();
  await expect(ui.diagram(page).locator('g.seq-step[data-catalog-id="device.esp"]').first()).toBeVisible();
  await expect(row).toContainText('Setup is taking longer than expected');
  await expect(row).toContainText('Reset PC | Continue anyway');
  await ui.tab(page, 'Spec').click();
  await expect(page.getByTestId('spec-tab')).toHaveAttribute('data-catalog-id', 'device.esp');
  await expect(page.getByTestId('spec-tab').locator('.spec-doc')).toHaveText('DMClient CSP § Provider/{ProviderID}/FirstSyncStatus');
  await page.screenshot({ path: screenshotPath('esp-timeout.png').replace(/^docs[\\/]screenshots/, 'test-results/screenshots') });

  // Its DB tab: the one change, the device's esp_tracking row updated to failed.
  await ui.tab(page, 'DB').click();
  const change = page.locator('li.change[data-table="esp_tracking"]');
  await expect(change).toHaveCount(1);
  await expect(change).toContainText('failed');
  await page.evaluate(() => ((document.body.style as CSSStyleDeclaration & { zoom: string }).zoom = '1.5'));
  await page.screenshot({ path: 'test-results/screenshots/esp-timeout-150.png' });
});
