import type { Locator, Page } from '@playwright/test';
import { ui } from '../helpers/e2e-ui.js';

/**
 * The row of step `index` in the step list, scrolled into view first: the list is virtualised (only the rows in view
 * and a few around them exist in the DOM), so a row far from the view has to be scrolled to, as a person would.
 * Scrolls half a view at a time towards the step and waits a frame for the list to draw the new rows.
 */
export async function stepRow(page: Page, index: number): Promise<Locator> {
  await page.locator('.step-scroll').evaluate(async (el, i) => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
    for (;;) {
      const row = el.querySelector<HTMLElement>(`[role="listitem"][data-step-index="${i}"]`);
      if (row) {
        row.scrollIntoView({ block: 'nearest' });
        await frame();
        return;
      }
      const shown = [...el.querySelectorAll<HTMLElement>('[role="listitem"][data-step-index]')].map((r) => Number(r.dataset['stepIndex']));
      if (shown.length === 0) throw new Error('the step list shows no rows');
      const before = el.scrollTop;
      el.scrollTop += (i < Math.min(...shown) ? -1 : 1) * Math.max(1, el.clientHeight / 2);
      if (el.scrollTop === before) throw new Error(`step ${i} is not in the step list`);
      await frame();
    }
  }, index);
  return ui.steps(page).locator(`[data-step-index="${index}"]`);
}

/**
 * The first step row that matches `selector` (an attribute selector such as `[data-catalog-id="orbit.enroll"]`),
 * scrolled into view first as stepRow does. The rows are keyed by their place in the view, so a scroll shows other
 * steps in the same elements: a row found before a scroll is not the step's row after it, hence the step's index.
 */
export async function stepRowMatching(page: Page, selector: string): Promise<Locator> {
  const index = await page.locator('.step-scroll').evaluate(async (el, sel) => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
    const find = () => el.querySelector<HTMLElement>(`[role="listitem"]${sel}`);
    if (!find()) {
      el.scrollTop = 0;
      await frame();
    }
    for (;;) {
      const row = find();
      if (row) return Number(row.dataset['stepIndex']);
      const before = el.scrollTop;
      el.scrollTop += Math.max(1, el.clientHeight / 2);
      await frame();
      if (el.scrollTop === before) throw new Error(`no step row matches ${sel}`);
    }
  }, selector);
  return stepRow(page, index);
}
