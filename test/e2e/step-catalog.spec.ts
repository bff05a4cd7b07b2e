import { test, expect, screenshotPath } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { stepKind } from '../../emulators/protocols/steps.js';

test("the Spec tab of every step shows its catalog entry's section", async ({ host, page }) => {
  await host.open(page);
  await ui.runScenario(page, 'autopilot-eua');
  const steps = host.session.steps();
  expect(steps.length).toBeGreaterThan(40);
  await ui.steps(page).getByRole('listitem').first().click();
  await page.keyboard.press('Home');
  await ui.tab(page, 'Spec').click();
  const spec = page.getByTestId('spec-tab');
  for (const step of steps) {
    const kind = stepKind(step.catalogId);
    await expect(ui.steps(page).locator(`[data-step-index="${step.index}"]`)).toHaveAttribute('aria-current', 'true');
    await expect(ui.steps(page).locator(`[data-step-index="${step.index}"]`)).toHaveAttribute('data-catalog-id', step.catalogId);
    await expect(spec).toHaveAttribute('data-catalog-id', step.catalogId);
    await expect(spec.locator('.spec-doc')).toHaveText(`${kind.spec.doc} § ${kind.spec.section}`);
    await expect(spec.getByRole('link')).toHaveAttribute('href', kind.spec.url);
    if (step.catalogId === 'prt.exchange') await page.screenshot({ path: screenshotPath('inspector-spec.png') });
    if (step.index < steps.length - 1) await page.keyboard.press('j');
  }
});

test('a breakpoint on a step kind of the catalog holds the run at the first step of that kind', async ({ host, page }) => {
  await host.open(page);
  await page.locator('details.breakpoints > summary').click();
  await page.getByLabel('Breakpoint kind').selectOption({ label: 'Step kind' });
  await page.getByLabel('Breakpoint step kind').selectOption('orbit.enroll');
  await page.getByRole('button', { name: 'Add breakpoint' }).click();
  await expect(page.locator('.bp-list li')).toHaveText(/step orbit enroll/);
  await page.locator('details.breakpoints > summary').click();
  await ui.button(page, 'Run').click();
  await ui.waitUntilWaiting(page);
  await expect(ui.steps(page).locator('.step-row.waiting')).toHaveAttribute('data-catalog-id', 'orbit.enroll');
  expect(host.session.steps().filter((s) => s.catalogId === 'orbit.enroll')).toHaveLength(1);
});
