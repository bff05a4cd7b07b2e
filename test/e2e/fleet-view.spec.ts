import type { Page } from '@playwright/test';
import { test, expect, screenshotPath, type Host } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { stepRow } from './step-rows.js';

/** The row of the step of a kind (its catalog id), scrolled into view; the last one when the run has several. */
async function stepOf(host: Host, page: Page, catalogId: string) {
  const step = host.session.steps().findLast((s) => s.catalogId === catalogId);
  if (!step) throw new Error(`no ${catalogId} step in the run`);
  return stepRow(page, step.index);
}

/** device_mapping in the Fleet view agrees with the host_emails rows of the same step (null exactly when there are none). */
async function expectDeviceMappingMatchesRows(page: Page): Promise<void> {
  const view = page.getByTestId('fleet-view');
  const dm = view.getByTestId('device-mapping').first();
  await expect(dm).toBeVisible();
  const rows = await page.getByRole('region', { name: /^DB after step/ }).locator('details.db-table[data-table="host_emails"]').getAttribute('data-rows');
  await expect(dm).toHaveAttribute('data-null', rows === '0' ? 'true' : 'false');
}

test('current: the mdm_enrolled activity orbit enroll claimed is in its step and in the Fleet view; device_mapping follows host_emails', async ({ host, page }) => {
  await host.open(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await ui.runScenario(page, 'autopilot-eua');
  await expect(ui.status(page)).toHaveText('done');

  // The enroll request (mde2.rst) wrote no activity under current: it is deferred until a host exists.
  await (await stepOf(host, page, 'mde2.rst')).click();
  await expect(page.getByTestId('fleet-activity')).toHaveCount(0);

  await (await stepOf(host, page, 'orbit.enroll')).click();
  const activity = page.getByTestId('fleet-activity');
  await expect(activity).toBeVisible();
  await expect(activity.locator('[data-type="mdm_enrolled"]')).toContainText('(automatic)');

  await ui.tab(page, 'DB').click();
  const view = page.getByTestId('fleet-view');
  await expect(view).toBeVisible();
  await expect(view.getByTestId('fleet-feed').locator('[data-type="mdm_enrolled"]')).toHaveCount(1);
  await expect(view.getByRole('article', { name: 'Host 1 as Fleet shows it' })).toBeVisible();
  await expectDeviceMappingMatchesRows(page);
  await view.getByTestId('fleet-feed').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('fleet-view.png') });
  await view.locator('details.fleet-json > summary', { hasText: 'GET /api/v1/fleet/hosts/1' }).first().click();
  await expect(view.locator('details.fleet-json[open] pre').first()).toContainText('"connected_to_fleet"');
});

test('eua-first: mdm_enrolled comes with the enroll request, on no host; the host has device_mapping null (#45066)', async ({ host, page }) => {
  await host.open(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await host.session.run('autopilot-eua', {}, false, null, undefined, 'eua-first');
  await ui.waitUntilEnded(page);
  await expect(ui.status(page)).toHaveText('done');

  await (await stepOf(host, page, 'mde2.rst')).click();
  const activity = page.getByTestId('fleet-activity');
  await expect(activity.locator('[data-type="mdm_enrolled"]')).toBeVisible();
  await expect(activity).toContainText("Not on any host's feed");

  await (await stepOf(host, page, 'orbit.enroll')).click();
  await ui.tab(page, 'DB').click();
  const dm = page.getByTestId('fleet-view').getByTestId('device-mapping').first();
  await expect(dm).toHaveAttribute('data-null', 'true');
  await expect(dm).toContainText('#45066');
  await expectDeviceMappingMatchesRows(page);
  // The List hosts answer opens by itself when device_mapping is null, its line marked.
  const flagged = page.getByTestId('fleet-view').locator('details.fleet-json[open] .json-line.flag');
  await expect(flagged).toHaveText(/"device_mapping": null/);
  await flagged.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('fleet-view-null.png') });
});

test('the Fleet view at 150 %', async ({ host, page }) => {
  await host.open(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await host.session.run('autopilot-eua', {}, false, null, undefined, 'eua-first');
  await ui.waitUntilEnded(page);
  await page.evaluate(() => ((document.body.style as CSSStyleDeclaration & { zoom: string }).zoom = '1.5'));
  await (await stepOf(host, page, 'orbit.enroll')).click();
  await ui.tab(page, 'DB').click();
  await page.getByTestId('fleet-view').getByTestId('device-mapping').first().scrollIntoViewIfNeeded();
  await expect(page.getByTestId('fleet-view')).toBeVisible();
  await page.screenshot({ path: screenshotPath('fleet-view-150.png') });
});
