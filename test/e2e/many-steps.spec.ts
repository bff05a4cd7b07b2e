import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { discoveryProbes } from '../helpers/discovery-probes.js';

const STEPS = 10_000;

test('10,000 steps: the list and the diagram keep only the rows in view in the page, down to the last one', async ({ host, page }) => {
  test.setTimeout(300_000);
  await host.open(page);
  await discoveryProbes(host.session.current.mdm.url, STEPS);
  await expect(page.locator('.filter-bar .count')).toHaveText(String(STEPS), { timeout: 120_000 });

  const rows = ui.steps(page).getByRole('listitem');
  expect(await rows.count()).toBeLessThan(80);
  expect(await ui.arrows(page).count()).toBeLessThan(80);

  // Scroll both to the bottom in wheel-sized moves (frame timing is measured in test/bench/ui-scroll.ts, not here).
  for (const scroller of ['.step-scroll', '.diagram-scroll']) {
    await page.evaluate(async (sel) => {
      const el = document.querySelector(sel) as HTMLElement;
      for (let i = 0; i < 30; i++) {
        el.scrollTop += el.scrollHeight / 30;
        await new Promise((r) => requestAnimationFrame(() => r(null)));
      }
    }, scroller);
  }
  await expect(ui.steps(page).locator(`[data-step-index="${STEPS - 1}"]`)).toBeVisible();
  await expect(ui.diagram(page).locator(`g.seq-step[data-step-index="${STEPS - 1}"]`)).toHaveCount(1);
  expect(await rows.count()).toBeLessThan(80);
  expect(await ui.arrows(page).count()).toBeLessThan(80);

  // Keyboard: Home selects the first step and brings it back into view, in the list and the diagram.
  await page.locator('.diagram').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Home');
  await expect(ui.steps(page).locator('[data-step-index="0"]')).toHaveAttribute('aria-current', 'true');
  await expect(ui.diagram(page).locator('g.seq-step[data-step-index="0"]')).toHaveCount(1);
});
