import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';

test('compare autopilot-eua with autopilot-no-eua: the 401 END_USER_AUTH_REQUIRED orbit enroll and the second prompt are only in B, prompts 1 vs 2', async ({ host, page }) => {
  await host.open(page);
  await ui.runScenario(page, 'autopilot-eua');
  await expect.poll(() => host.session.runs().length).toBe(1);
  await ui.runScenario(page, 'autopilot-no-eua');
  await expect.poll(() => host.session.runs().length).toBe(2);

  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const view = page.getByRole('region', { name: 'Compare runs' });
  await expect(view.getByLabel('Run A', { exact: true })).toHaveValue(`run:${host.session.runs()[0]!.runId}`);
  await expect(view.getByLabel('Run B', { exact: true })).toHaveValue(`run:${host.session.runs()[1]!.runId}`);
  await expect(page.getByTestId('compare-prompts')).toHaveText('prompts 1 vs 2');

  const onlyB = ui.compareRows(page).and(page.locator('[data-kind="only-b"]'));
  const refused = onlyB.filter({ hasText: 'orbit enroll' }).filter({ hasText: '401' });
  await expect(refused).toHaveCount(1);
  await expect(refused).toContainText('END_USER_AUTH_REQUIRED');
  await expect(refused.locator('.cmp-cell.gap')).toHaveText('not in A');
  await expect(onlyB.filter({ hasText: 'prompt 2' })).toHaveCount(1);
  await expect(ui.compareRows(page).and(page.locator('[data-kind="only-a"]')).filter({ hasText: 'prompt 2' })).toHaveCount(0);
});

test('a bundle file opened as run B is compared with a run of this session', async ({ host, page }, info) => {
  await host.open(page);
  await ui.runScenario(page, 'autopilot-no-eua');
  const file = info.outputPath('no-eua.json');
  await ui.exportBundle(page, file);
  await ui.runScenario(page, 'autopilot-eua');
  await expect.poll(() => host.session.runs().length).toBe(2);

  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const view = page.getByRole('region', { name: 'Compare runs' });
  await view.getByLabel('Run A', { exact: true }).selectOption(`run:${host.session.runs()[1]!.runId}`);
  await view.getByLabel('Open a bundle file as run B').setInputFiles(file);
  await expect(view.getByLabel('Run B', { exact: true })).toHaveValue('file:no-eua.json');
  await expect(page.getByTestId('compare-prompts')).toHaveText('prompts 1 vs 2');
  await expect(ui.compareRows(page).and(page.locator('[data-kind="only-b"]')).filter({ hasText: 'END_USER_AUTH_REQUIRED' })).toHaveCount(1);
});
