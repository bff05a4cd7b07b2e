import type { Locator, Page } from '@playwright/test';
import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';

const handle = (page: Page, name: 'step list' | 'inspector') => page.getByRole('separator', { name: `Resize the ${name}` });
const pane = (page: Page, id: 'list' | 'centre' | 'inspector') => page.locator(`#pane-${id}`);
const width = async (l: Locator) => (await l.boundingBox())!.width;
const value = async (l: Locator) => Number(await l.getAttribute('aria-valuenow'));

test('the panes resize by drag and by keyboard, collapse and come back, and keep their layout across a reload', async ({ host, page }) => {
  await host.open(page);
  await ui.runScenario(page, 'autopilot-eua');
  const list = handle(page, 'step list');
  const insp = handle(page, 'inspector');
  await expect(list).toHaveAttribute('aria-valuenow', '24');
  await expect(insp).toHaveAttribute('aria-valuenow', '36');
  await expect(list).toHaveAttribute('aria-controls', 'pane-list');

  // Keyboard: arrows move the handle 2 %, Shift+arrow 10 %, Home/End to the limits (the WAI-ARIA window splitter).
  const w0 = await width(pane(page, 'list'));
  await list.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(list).toHaveAttribute('aria-valuenow', '28');
  expect(await width(pane(page, 'list'))).toBeGreaterThan(w0);
  await page.keyboard.press('Shift+ArrowLeft');
  await expect(list).toHaveAttribute('aria-valuenow', '18');
  await page.keyboard.press('Home');
  await expect(list).toHaveAttribute('aria-valuenow', await list.getAttribute('aria-valuemin') ?? '');
  // Home and End on a handle resize; they do not move the step selection (the keymap's first / last).
  const selected = await ui.steps(page).locator('[aria-current="true"]').getAttribute('data-step-index');
  await page.keyboard.press('End');
  await expect(list).toHaveAttribute('aria-valuenow', await list.getAttribute('aria-valuemax') ?? '');
  expect(await ui.steps(page).locator('[aria-current="true"]').getAttribute('data-step-index')).toBe(selected);
  // The widest list leaves the inspector no more than the diagram's fifth allows.
  await expect(insp).toHaveAttribute('aria-valuemax', String(100 - 20 - (await value(list))));
  await page.keyboard.press('Home');
  // The inspector's handle grows it leftwards.
  await insp.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(insp).toHaveAttribute('aria-valuenow', '38');

  // Drag: the list's handle to 30 % of the panes' width, the inspector's to 40 %.
  const panes = (await page.locator('main.panes').boundingBox())!;
  const drag = async (l: Locator, toX: number) => {
    const b = (await l.boundingBox())!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 3);
    await page.mouse.down();
    await page.mouse.move(toX, b.y + b.height / 3, { steps: 6 });
    await page.mouse.up();
  };
  await drag(list, panes.x + panes.width * 0.3);
  expect(Math.abs((await value(list)) - 30)).toBeLessThanOrEqual(1);
  await drag(insp, panes.x + panes.width * 0.6);
  expect(Math.abs((await value(insp)) - 40)).toBeLessThanOrEqual(1);
  const listW = await width(pane(page, 'list'));
  expect(Math.abs(listW - panes.width * 0.3)).toBeLessThan(12);

  // Collapse: the inspector by its button, the list with Enter on its handle; rails bring them back.
  await page.getByRole('button', { name: 'Collapse the inspector' }).click();
  await expect(page.getByRole('region', { name: 'Inspector' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Show the inspector' })).toBeVisible();
  await list.focus();
  await page.keyboard.press('Enter');
  await expect(ui.steps(page)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Show the step list' })).toBeVisible();
  // The diagram takes the room.
  expect(await width(pane(page, 'centre'))).toBeGreaterThan(panes.width * 0.85);

  // The layout survives a reload.
  await page.reload();
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
  await expect(ui.steps(page)).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Inspector' })).toHaveCount(0);
  // `/` opens the collapsed list to filter.
  await page.keyboard.press('/');
  await expect(page.getByLabel('Filter steps')).toBeFocused();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Show the inspector' }).click();
  await expect(page.getByRole('region', { name: 'Inspector' })).toBeVisible();
  expect(Math.abs((await value(handle(page, 'step list'))) - 30)).toBeLessThanOrEqual(1);
  expect(Math.abs((await value(handle(page, 'inspector'))) - 40)).toBeLessThanOrEqual(1);

  // The Panes menu hides the diagram (the inspector fills the room), never the last pane, and resets the layout.
  await page.locator('details.panes-menu > summary').click();
  await page.getByRole('checkbox', { name: 'Show the diagram' }).uncheck();
  await expect(ui.diagram(page)).toHaveCount(0);
  await page.getByRole('checkbox', { name: 'Show the step list' }).uncheck();
  await expect(page.getByRole('checkbox', { name: 'Show the inspector' })).toBeDisabled();
  expect(await width(pane(page, 'inspector'))).toBeGreaterThan(panes.width * 0.85);
  await page.getByRole('button', { name: 'Reset the layout' }).click();
  await expect(ui.diagram(page)).toBeVisible();
  await expect(ui.steps(page)).toBeVisible();
  await expect(handle(page, 'step list')).toHaveAttribute('aria-valuenow', '24');
  await expect(handle(page, 'inspector')).toHaveAttribute('aria-valuenow', '36');
});
