import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { KEYMAP } from '../../renderer/features/keyboard/keymap.js';

test('the keyboard drives the lab: space steps, b goes back, c continues, j/k move, / filters, ? shows the keymap', async ({ host, page }) => {
  await host.open(page);
  await page.keyboard.press(' ');
  await ui.waitUntilWaiting(page);
  await page.keyboard.press(' ');
  await expect(ui.arrows(page)).toHaveCount(2);
  await page.keyboard.press(' ');
  await expect(ui.arrows(page)).toHaveCount(3);
  await expect.poll(() => host.session.state().cursor).toBe(1);

  await page.keyboard.press('b');
  await expect.poll(() => host.session.state().cursor).toBe(0);
  await expect(ui.steps(page).locator('[data-step-index="0"]')).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('j');
  await expect(ui.steps(page).locator('[data-step-index="1"]')).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('k');
  await expect(ui.steps(page).locator('[data-step-index="0"]')).toHaveAttribute('aria-current', 'true');

  await page.keyboard.press('c');
  await ui.waitUntilEnded(page);

  await page.keyboard.press('/');
  await expect(page.getByLabel('Filter steps')).toBeFocused();
  await page.keyboard.type('orbit/enroll');
  await expect(ui.steps(page).getByRole('listitem')).toHaveCount(1);
  await page.keyboard.press('Escape');

  await page.keyboard.press('?');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toBeVisible();
  await expect(sheet.locator('.sheet-row')).toHaveCount(KEYMAP.length);
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();
});
