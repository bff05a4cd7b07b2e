import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';

test("advancing the lab clock by 2 h before orbit starts turns the EUA token's expiry verdict red", async ({ host, page }) => {
  await host.open(page);
  await ui.addBreakpoint(page, 'Party', 'orbit');
  await ui.button(page, 'Run').click();
  await ui.waitUntilWaiting(page);
  expect(host.session.steps().find((s) => s.status === 'waiting')!.from).toBe('orbit');

  await page.locator('details.advance > summary').click();
  await page.getByRole('button', { name: 'Advance by 2 h' }).click();
  await expect(page.getByLabel('Clock offset')).toHaveText('+2 h');
  await ui.clearBreakpoints(page);
  await ui.button(page, 'Continue').click();
  await ui.waitUntilEnded(page);

  const enroll = host.session.steps().find((s) => s.request?.url.endsWith('/api/fleet/orbit/enroll') && s.tokens.length > 0)!;
  await ui.steps(page).locator(`[data-step-index="${enroll.index}"]`).click();
  await ui.tab(page, 'Tokens').click();
  const verdict = page.getByRole('article').first().locator('[data-verdict="expiry"]');
  await expect(verdict).toHaveText('expired at the step');
  await expect(verdict).toHaveClass(/tone-error/);
  const bg = await verdict.evaluate((el) => getComputedStyle(el).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g)!.map(Number);
  expect(r).toBeGreaterThan(150);
  expect(g).toBeLessThan(120);
  expect(b).toBeLessThan(120);
});
