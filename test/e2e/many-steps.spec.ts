import { test, expect } from './fixtures.js';
import { ui } from './ui.js';

const STEPS = 10_000;

/** Send `n` Discovery probes as an outside client would, a few at a time; each one is a real recorded step. */
async function probe(mdm: string, n: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const res = await fetch(`${mdm}/EnrollmentServer/Discovery.svc`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

test('10,000 steps: the list keeps only the rows in view in the page and scrolls to the last one', async ({ host, page }) => {
  test.setTimeout(300_000);
  await host.open(page);
  const t0 = performance.now();
  await probe(host.session.current.mdm.url, STEPS);
  const sendMs = performance.now() - t0;
  await expect(page.locator('.filter-bar .count')).toHaveText(String(STEPS), { timeout: 120_000 });

  const rows = ui.steps(page).getByRole('listitem');
  expect(await rows.count()).toBeLessThan(80);
  expect(await ui.arrows(page).count()).toBeLessThan(80);

  // Scroll the whole list in 60 wheel-sized moves, one per frame; record frame gaps (reported, not asserted).
  const frames = await page.evaluate(async () => {
    const el = document.querySelector('.step-scroll') as HTMLElement;
    const gaps: number[] = [];
    let last = performance.now();
    const step = el.scrollHeight / 60;
    for (let i = 0; i < 60; i++) {
      el.scrollTop += step;
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }
    gaps.sort((a, b) => a - b);
    return { median: gaps[30]!, p95: gaps[57]!, max: gaps[59]! };
  });
  console.log(`10k steps: sent in ${Math.round(sendMs)} ms; scroll frame gaps median ${frames.median.toFixed(1)} ms, p95 ${frames.p95.toFixed(1)} ms, max ${frames.max.toFixed(1)} ms`);
  await expect(ui.steps(page).locator(`[data-step-index="${STEPS - 1}"]`)).toBeVisible();
  expect(await rows.count()).toBeLessThan(80);

  // Keyboard: Home selects the first step and brings it back into view, in the list and the diagram.
  await page.locator('.diagram').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Home');
  await expect(ui.steps(page).locator('[data-step-index="0"]')).toHaveAttribute('aria-current', 'true');
  await expect(ui.diagram(page).locator('g.seq-step[data-step-index="0"]')).toHaveCount(1);
});
