import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { discoveryProbes } from '../helpers/discovery-probes.js';

const STEPS = 300;

/**
 * Scroll the element `sel` by `px` pixels and report what happened to the rows (`items`) that were in the page: how
 * many are still there, whether those are in the same order at the head of the rows after, and the step indices
 * of the rows after in DOM order.
 */
async function scrollAndWatch({ sel, items, px }: { sel: string; items: string; px: number }) {
  const el = document.querySelector(sel) as HTMLElement;
  const before = [...el.querySelectorAll<Element>(items)];
  el.scrollTop += px;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null))));
  const after = [...el.querySelectorAll<Element>(items)];
  const kept = before.filter((r) => r.isConnected);
  return {
    before: before.length,
    kept: kept.length,
    sameOrder: kept.every((r, i) => after[i] === r),
    indices: after.map((r) => Number(r.getAttribute('data-step-index'))),
  };
}

for (const [what, scroller, rows] of [
  ['step list', '.step-scroll', '[role="listitem"]'],
  ['sequence diagram', '.diagram-scroll', 'g.seq-step'],
] as const) {
  test(`a scroll of the ${what} changes the rows in place: none rebuilt, none moved, the DOM in step order`, async ({ host, page }) => {
    await host.open(page);
    await discoveryProbes(host.session.current.mdm.url, STEPS, 8);
    await expect(page.locator('.filter-bar .count')).toHaveText(String(STEPS), { timeout: 60_000 });
    for (const px of [5 * 48, 4000, -1500]) {
      const r = await page.evaluate(scrollAndWatch, { sel: scroller, items: rows, px });
      // A row may come or go at the view's edge; every other row is the same element, in the same place in the DOM.
      expect(r.kept).toBeGreaterThanOrEqual(r.before - 1);
      expect(r.sameOrder).toBe(true);
      expect(r.indices).toEqual([...r.indices].sort((a, b) => a - b));
      expect(new Set(r.indices).size).toBe(r.indices.length);
    }
    await expect(ui.steps(page).getByRole('listitem').first()).toBeVisible();
  });
}
