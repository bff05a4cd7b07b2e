import { expect, type Page } from '@playwright/test';

/** What a person does in the UI, named so the specs read like the behaviour they check. */
export const ui = {
  steps: (page: Page) => page.getByRole('list', { name: 'Steps' }),
  diagram: (page: Page) => page.getByRole('img', { name: 'Sequence diagram' }),
  /** Arrows (and local boxes) drawn in the sequence diagram, one per step. */
  arrows: (page: Page) => page.getByRole('img', { name: 'Sequence diagram' }).locator('g.seq-step'),
  button: (page: Page, name: 'Run' | 'Step' | 'Back' | 'Continue' | 'Reset') => page.getByRole('button', { name, exact: true }),
  status: (page: Page) => page.locator('[data-status]'),
  async waitUntilEnded(page: Page): Promise<void> {
    await expect(page.locator('[data-status="done"], [data-status="failed"]')).toBeVisible({ timeout: 45_000 });
  },
  async waitUntilWaiting(page: Page): Promise<void> {
    await expect(page.locator('[data-status="waiting"]')).toBeVisible({ timeout: 45_000 });
  },
  async addBreakpoint(page: Page, kind: 'Path' | 'Party' | 'SOAP action' | 'SyncML command' | 'Token claim', value: string): Promise<void> {
    await page.locator('details.breakpoints > summary').click();
    await page.getByLabel('Breakpoint kind').selectOption({ label: kind });
    if (kind === 'Party') await page.getByLabel('Breakpoint party').selectOption(value);
    else await page.getByLabel('Breakpoint value').fill(value);
    await page.getByRole('button', { name: 'Add breakpoint' }).click();
    await expect(page.locator('.bp-list li')).toHaveCount(1);
    await page.locator('details.breakpoints > summary').click();
  },
  /** Remove every breakpoint (a path breakpoint also matches the client's retries). */
  async clearBreakpoints(page: Page): Promise<void> {
    await page.locator('details.breakpoints > summary').click();
    const items = page.locator('.bp-list li');
    for (let n = await items.count(); n > 0; n--) {
      await page.getByRole('button', { name: /^Remove breakpoint/ }).first().click();
      await expect(items).toHaveCount(n - 1);
    }
    await page.locator('details.breakpoints > summary').click();
  },
  /** Choose a scenario and run it to its end. */
  async runScenario(page: Page, scenario: string): Promise<void> {
    await page.getByLabel('Scenario', { exact: true }).selectOption(scenario);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(page.locator('[data-status="running"], [data-status="waiting"]').or(page.getByTestId('prompts'))).toBeVisible();
    await expect(page.locator('[data-status="done"], [data-status="failed"]')).toBeVisible({ timeout: 45_000 });
  },
  /** Export the run as a bundle file (the Run file menu) and save it at `path`. */
  async exportBundle(page: Page, path: string): Promise<void> {
    await page.locator('details.file-menu > summary').click();
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export the run (bundle .json)' }).click();
    await (await download).saveAs(path);
    await page.locator('details.file-menu > summary').click();
  },
  /** Aligned rows of the compare view. */
  compareRows: (page: Page) => page.getByRole('list', { name: 'Aligned steps' }).getByRole('listitem'),
  console: (page: Page) => page.getByRole('region', { name: 'Trainer console' }),
  tab: (page: Page, name: 'Request' | 'Response' | 'Tokens' | 'DB' | 'Spec') => page.getByRole('tab', { name: new RegExp(`^${name}`) }),
};
