import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';

test('compare autopilot-eua with autopilot-no-eua: the refused orbit enroll pairs with the accepted one, the second prompt and the retry are only in B, prompts 1 vs 2', async ({ host, page }) => {
  await host.open(page);
  await ui.runScenario(page, 'autopilot-eua');
  await expect.poll(() => host.session.runs().length).toBe(1);
  await ui.runScenario(page, 'autopilot-no-eua');
  await expect.poll(() => host.session.runs().length, { timeout: 45_000 }).toBe(2);

  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const view = page.getByRole('region', { name: 'Compare runs' });
  await expect(view.getByLabel('Run A', { exact: true })).toHaveValue(`run:${host.session.runs()[0]!.runId}`);
  await expect(view.getByLabel('Run B', { exact: true })).toHaveValue(`run:${host.session.runs()[1]!.runId}`);
  await expect(page.getByTestId('compare-prompts')).toHaveText('prompts 1 vs 2');

  // Steps pair by catalog id: A's one orbit enroll (200) and B's first (401 END_USER_AUTH_REQUIRED) are one row;
  // B's retry after the SSO sign-in is a step only B has.
  const enrolls = ui.compareRows(page).and(page.locator('[data-catalog-id="orbit.enroll"]'));
  await expect(enrolls).toHaveCount(2);
  const pair = enrolls.nth(0);
  await expect(pair).toHaveAttribute('data-kind', 'changed');
  await expect(pair.locator('.cmp-cell.side-B')).toContainText('END_USER_AUTH_REQUIRED');
  await expect(pair.locator('.cmp-cell.side-A')).toContainText('200');
  await expect(pair.getByRole('list', { name: 'Differences' })).toContainText('status 200 → 401');
  const retry = enrolls.nth(1);
  await expect(retry).toHaveAttribute('data-kind', 'only-b');
  await expect(retry.locator('.cmp-cell.gap')).toHaveText('not in A');

  const onlyB = ui.compareRows(page).and(page.locator('[data-kind="only-b"]'));
  await expect(onlyB.filter({ hasText: 'prompt 2' })).toHaveCount(1);
  await expect(ui.compareRows(page).and(page.locator('[data-kind="only-a"]'))).toHaveCount(0);
});

test('a bundle file opened as run B is compared with a run of this session', async ({ host, page }, info) => {
  await host.open(page);
  await ui.runScenario(page, 'autopilot-no-eua');
  const file = info.outputPath('no-eua.json');
  await ui.exportBundle(page, file);
  await ui.runScenario(page, 'autopilot-eua');
  await expect.poll(() => host.session.runs().length, { timeout: 45_000 }).toBe(2);

  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const view = page.getByRole('region', { name: 'Compare runs' });
  await view.getByLabel('Run A', { exact: true }).selectOption(`run:${host.session.runs()[1]!.runId}`);
  await view.getByLabel('Open a bundle file as run B').setInputFiles(file);
  await expect(view.getByLabel('Run B', { exact: true })).toHaveValue('file:no-eua.json');
  await expect(page.getByTestId('compare-prompts')).toHaveText('prompts 1 vs 2');
  // The refused orbit enroll (B, from the file) is paired with A's accepted one.
  await expect(ui.compareRows(page).and(page.locator('[data-catalog-id="orbit.enroll"][data-kind="changed"]')).filter({ hasText: 'END_USER_AUTH_REQUIRED' })).toHaveCount(1);
});
