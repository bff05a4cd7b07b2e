import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { stepRow } from './step-rows.js';

test('Step sends one message: one more arrow in the diagram each time', async ({ host, page }) => {
  await host.open(page);
  await ui.button(page, 'Step').click();
  await ui.waitUntilWaiting(page);
  await expect(ui.arrows(page)).toHaveCount(1);
  for (const n of [2, 3, 4]) {
    await ui.button(page, 'Step').click();
    await expect(ui.arrows(page)).toHaveCount(n);
  }
});

test('Back restores the world one step earlier: the DB tab shows the earlier state', async ({ host, page }) => {
  await host.open(page);
  await ui.button(page, 'Step').click();
  await ui.waitUntilWaiting(page);
  // Step until a closed step (not the first) has inserted rows.
  const inserting = () => host.session.steps().find((s) => s.index > 0 && s.status === 'done' && s.changes.some((c) => c.op === 'insert'));
  while (!inserting()) {
    const before = host.session.steps().length;
    await ui.button(page, 'Step').click();
    await expect.poll(() => host.session.steps().length).toBeGreaterThan(before);
  }
  const step = inserting()!;
  const table = step.changes.find((c) => c.op === 'insert')!.table;
  const inserted = step.changes.filter((c) => c.table === table && c.op === 'insert').length;
  expect(host.session.state().cursor).toBe(step.index);

  await (await stepRow(page, step.index)).click();
  await ui.tab(page, 'DB').click();
  const now = page.getByRole('region', { name: `DB after step ${step.index + 1}` }).locator(`[data-table="${table}"]`);
  await expect(now).toHaveCount(1);
  const rows = Number(await now.getAttribute('data-rows'));
  expect(rows).toBeGreaterThanOrEqual(inserted);

  await ui.button(page, 'Back').click();
  await expect.poll(() => host.session.state().cursor).toBe(step.index - 1);
  await expect(ui.steps(page).locator(`[data-step-index="${step.index - 1}"]`)).toHaveAttribute('aria-current', 'true');
  const earlier = page.getByRole('region', { name: `DB after step ${step.index}` }).locator(`[data-table="${table}"]`);
  await expect(earlier).toHaveAttribute('data-rows', String(rows - inserted));
});

test('a breakpoint on /api/fleet/orbit/enroll stops the run there', async ({ host, page }) => {
  await host.open(page);
  await ui.addBreakpoint(page, 'Path', '/api/fleet/orbit/enroll');
  await ui.button(page, 'Run').click();
  await ui.waitUntilWaiting(page);
  await expect(page.getByTestId('waiting')).toContainText('/api/fleet/orbit/enroll');
  const waiting = host.session.steps().find((s) => s.status === 'waiting')!;
  expect(new URL(waiting.request!.url).pathname).toBe('/api/fleet/orbit/enroll');
  await expect(ui.steps(page).locator(`[data-step-index="${waiting.index}"]`)).toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('form', { name: 'Request waiting at the gate' })).toBeVisible();
});
