import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { stepRow } from './step-rows.js';

test('an exported bundle opened again shows its steps, and the DB tab at an earlier step', async ({ host, page }, info) => {
  await host.open(page);
  await ui.runScenario(page, 'autopilot-eua');
  const steps = host.session.steps();
  const file = info.outputPath('run.json');
  await ui.exportBundle(page, file);

  const ran = host.session.current;
  await ui.button(page, 'Reset').click();
  await expect.poll(() => host.session.current !== ran).toBe(true);
  await expect(page.locator('.filter-bar .count')).toHaveText('0');
  await page.getByLabel('Open a saved run').setInputFiles(file);
  await expect(page.getByTestId('saved-run')).toContainText('Saved run: autopilot-eua');
  await expect(page.locator('.filter-bar .count')).toHaveText(String(steps.length));

  // The first step that inserted rows: Back until the world is there, then its DB tab shows its snapshot.
  const inserting = steps.find((s) => s.index > 0 && s.changes.some((c) => c.op === 'insert'))!;
  const table = inserting.changes.find((c) => c.op === 'insert')!.table;
  const inserted = inserting.changes.filter((c) => c.table === table && c.op === 'insert').length;
  await page.locator('.diagram').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Home');
  await (await stepRow(page, inserting.index)).click();
  await ui.tab(page, 'DB').click();
  const after = page.getByRole('region', { name: `DB after step ${inserting.index + 1}` }).locator(`[data-table="${table}"]`);
  const rows = Number(await after.getAttribute('data-rows'));
  expect(rows).toBeGreaterThanOrEqual(inserted);
  for (let n = steps.length - 1; n >= inserting.index; n--) await ui.button(page, 'Back').click();
  await expect.poll(() => host.session.state().cursor).toBe(inserting.index - 1);
  await expect(ui.steps(page).locator(`[data-step-index="${inserting.index - 1}"]`)).toHaveAttribute('aria-current', 'true');
  const before = page.getByRole('region', { name: `DB after step ${inserting.index}` }).locator(`[data-table="${table}"]`);
  await expect(before).toHaveAttribute('data-rows', String(rows - inserted));

  const world = host.session.current;
  await page.getByRole('button', { name: 'Back to the live lab' }).click();
  await expect(page.getByTestId('saved-run')).toHaveCount(0);
  // The live lab behind the saved run is kept as it was (here the fresh one of the Reset above).
  await expect.poll(() => host.session.state().source).toBe('live');
  expect(host.session.current).toBe(world);
});
