import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { stepRow } from './step-rows.js';

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
  await (await stepRow(page, enroll.index)).click();
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

test('after the lab clock is advanced at the gate, the step time, its duration and the Date header follow the lab clock', async ({ host, page }) => {
  await host.open(page);
  await ui.addBreakpoint(page, 'Path', '/api/fleet/orbit/enroll');
  await ui.button(page, 'Run').click();
  await ui.waitUntilWaiting(page);
  const heldFrom = Date.now();
  const waiting = host.session.steps().find((s) => s.status === 'waiting')!;
  expect(waiting.catalogId).toBe('orbit.enroll');

  await page.locator('details.advance > summary').click();
  await page.getByRole('button', { name: 'Advance by 2 h' }).click();
  await expect(page.getByLabel('Clock offset')).toHaveText('+2 h');
  await page.locator('details.advance > summary').click();
  const heldFor = Date.now() - heldFrom;
  await ui.button(page, 'Step').click();
  await expect.poll(() => host.session.steps()[waiting.index]!.status).toBe('done');

  const step = host.session.steps()[waiting.index]!;
  const labNow = host.session.state().clock.now;
  // Sent after the gate, in lab time: 2 h ahead of the wall clock, like the clock in the header.
  expect(Math.abs(step.startedAt - labNow)).toBeLessThan(60_000);
  expect(step.startedAt - Date.now()).toBeGreaterThan(2 * 3600_000 - 60_000);
  // The wait at the gate is not the exchange: the duration is the exchange alone, the wait is kept apart.
  expect(step.durationMs).toBeLessThan(heldFor);
  expect(step.heldMs).toBeGreaterThanOrEqual(heldFor);
  // The server's Date header is the lab clock too (HTTP dates have second precision).
  const date = Date.parse(step.response!.headers['date']!);
  expect(Math.abs(date - step.startedAt)).toBeLessThan(5_000);

  const row = await stepRow(page, step.index);
  const shown = new Date(step.startedAt).toISOString().slice(11, 23);
  await expect(row.locator('.time')).toHaveText(shown);
  await row.click();
  await ui.tab(page, 'Response').click();
  await expect(page.locator('.req-line')).toContainText(`${Math.round(step.durationMs)} ms`);
  await expect(page.getByTestId('held-at-gate')).toBeVisible();
});
