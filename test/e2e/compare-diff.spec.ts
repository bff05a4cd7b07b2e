import { test, expect, screenshotPath } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';

/**
 * Issue 11, "compare pairing A40/B40 with the eua_token line": in autopilot-eua (A) orbit enrolls with the EUA
 * token and is accepted; in autopilot-no-eua (B) its first enroll has none and is refused. The two are one pair, and
 * the pair's request body diff is the one `eua_token` line, removed in B.
 */
test('the orbit enroll pair: its request body diff shows the eua_token line removed in B; header, claim and DB diffs below; usable at 150 %', async ({ host, page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await host.open(page);
  await ui.runScenario(page, 'autopilot-eua');
  await expect.poll(() => host.session.runs().length).toBe(1);
  await ui.runScenario(page, 'autopilot-no-eua');
  await expect.poll(() => host.session.runs().length, { timeout: 45_000 }).toBe(2);
  const [a, b] = host.session.runs().map((r) => host.session.bundleOf(r.runId));
  const aEnroll = a!.steps.filter((s) => s.catalogId === 'orbit.enroll');
  const bEnroll = b!.steps.filter((s) => s.catalogId === 'orbit.enroll');
  expect(aEnroll.map((s) => s.response?.status)).toEqual([200]);
  expect(bEnroll.map((s) => s.response?.status)).toEqual([401, 200]);

  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const pair = ui.compareRows(page).and(page.locator('[data-catalog-id="orbit.enroll"][data-kind="changed"]'));
  await expect(pair).toHaveCount(1);
  await expect(pair.locator('.cmp-cell.side-A .num')).toHaveText(`A${aEnroll[0]!.index + 1}`);
  await expect(pair.locator('.cmp-cell.side-B .num')).toHaveText(`B${bEnroll[0]!.index + 1}`);
  await pair.click();

  const detail = page.getByRole('region', { name: 'Both steps' });
  await expect(detail).toHaveAttribute('data-catalog-id', 'orbit.enroll');
  await expect(detail.getByRole('button', { name: 'Diff', exact: true })).toHaveAttribute('aria-pressed', 'true');
  const body = detail.getByRole('region', { name: 'Request body diff' });
  // One line differs, and it is the eua_token member, removed in B; the other members are context.
  await expect(body.locator('[data-op="removed"], [data-op="added"]')).toHaveCount(1);
  await expect(body.locator('[data-op="removed"]')).toHaveText(/^−\s*"eua_token": "eyJ[\w-]+\.[\w-]+\.[\w-]+"\s*$/);
  await expect(body.locator('[data-op="same"]').filter({ hasText: '"hardware_model": "Virtual Machine"' })).toHaveCount(1);
  const fold = body.getByRole('button', { name: /no structural difference/ });
  await expect(fold).toHaveCount(1);
  await expect(body.locator('.pd-line').filter({ hasText: '"platform": "windows"' })).toHaveCount(0);
  await fold.click();
  await expect(body.locator('[data-op="same"]').filter({ hasText: '"platform": "windows"' })).toHaveCount(1);
  await expect(body).toContainText('json · 1 line(s) differ');

  // The response: 200 → 401 and Fleet's error; Date is shown as volatile, not as a difference.
  await expect(detail.getByRole('table', { name: 'Response header diff' }).locator('tr', { hasText: ':status' })).toContainText('401');
  await expect(detail.getByRole('table', { name: 'Response header diff' }).locator('tr[data-volatile="true"]', { hasText: 'date' })).toHaveCount(1);
  await expect(detail.getByRole('region', { name: 'Response body diff' }).locator('[data-op="added"]').filter({ hasText: 'END_USER_AUTH_REQUIRED' }).first()).toBeVisible();
  // The EUA token (decoded from A's request) has no counterpart in B; the host and IdP account rows are A's only.
  await expect(detail.getByRole('region', { name: 'Token claim diff' })).toContainText('only in A');
  await expect(detail.getByRole('region', { name: 'DB change diff' }).locator('[data-kind="only-a"]', { hasText: 'mdm.mdm_idp_accounts' })).toHaveCount(1);

  await body.locator('[data-op="removed"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('compare-eua-token-diff.png') });

  // At 150 % (CSS zoom on 1280×720) the removed line can still be scrolled to and read.
  await page.evaluate(() => (document.documentElement.style.zoom = '1.5'));
  const removed = body.locator('[data-op="removed"]');
  await removed.scrollIntoViewIfNeeded();
  await expect(removed).toBeInViewport();
  await page.screenshot({ path: screenshotPath('compare-eua-token-diff-150.png') });
});
