import { test, expect, screenshotPath, type Host } from '../helpers/e2e-host.js';
import type { Page } from '@playwright/test';
import { ui } from '../helpers/e2e-ui.js';
import { stepRowMatching } from './step-rows.js';

/**
 * Screenshots of each main view for docs/screenshots/ (shown in the README): real runs of the scenarios, each view
 * selected as a person would.
 */
const shot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(`${name}.png`) });

/** Select the first step whose row matches `text` (filter, click, clear the filter: the selection stays). */
async function selectStep(page: Page, text: string): Promise<void> {
  await page.getByLabel('Filter steps').fill(text);
  await ui.steps(page).getByRole('listitem').first().click();
  await page.getByLabel('Filter steps').fill('');
  await page.locator('.diagram').click({ position: { x: 2, y: 2 } });
}

/**
 * Run a scenario to its end. The status on screen still says "done" from the run before until the new one starts,
 * so wait for the event that proves this run ended: the session's history grows by one.
 */
async function runToEnd(page: Page, host: Host, scenario = 'autopilot-eua'): Promise<void> {
  const before = host.session.runs().length;
  await page.getByLabel('Scenario', { exact: true }).selectOption(scenario);
  await ui.button(page, 'Run').click();
  await expect.poll(() => host.session.runs().length, { timeout: 60_000 }).toBe(before + 1);
  await ui.waitUntilEnded(page);
}

for (const theme of ['dark', 'light'] as const) {
  test(`screenshots: the whole story of autopilot-eua (${theme})`, async ({ host, page }) => {
    await page.addInitScript((t) => localStorage.setItem('enrollscope.theme', t), theme);
    await host.open(page);
    await runToEnd(page, host);
    await selectStep(page, 'orbit enroll with eua_token');
    await shot(page, `overview-${theme}`);
    if (theme === 'light') return;

    await ui.tab(page, 'Tokens').click();
    await shot(page, 'inspector-tokens');
    await ui.tab(page, 'DB').click();
    await expect(page.getByRole('group', { name: 'Enrollment links' })).toBeVisible();
    await shot(page, 'inspector-db-links');

    await selectStep(page, 'RST/wstep');
    await ui.tab(page, 'Request').click();
    await expect(page.getByRole('list', { name: 'Message outline' })).toBeVisible();
    await shot(page, 'inspector-request-soap');
    await ui.tab(page, 'Response').click();
    await shot(page, 'inspector-response-provisioning');

    await selectStep(page, 'OMA-DM session 1 message 3');
    await ui.tab(page, 'Request').click();
    await expect(page.getByRole('list', { name: 'Message outline' })).toBeVisible();
    await shot(page, 'inspector-request-syncml');
    await ui.tab(page, 'Spec').click();
    await shot(page, 'inspector-spec');

    await page.keyboard.press('?');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    await shot(page, 'shortcuts');
  });
}

test('screenshots: a request waiting at the gate, editable', async ({ host, page }) => {
  await page.addInitScript(() => localStorage.setItem('enrollscope.theme', 'dark'));
  await host.open(page);
  await ui.addBreakpoint(page, 'Path', '/api/fleet/orbit/enroll');
  await ui.button(page, 'Run').click();
  await ui.waitUntilWaiting(page);
  await expect(page.getByRole('form', { name: 'Request waiting at the gate' })).toBeVisible();
  await shot(page, 'gate-editor');
});

test('screenshots: the double-auth bug (autopilot-no-eua), the second prompt in red', async ({ host, page }) => {
  await page.addInitScript(() => localStorage.setItem('enrollscope.theme', 'dark'));
  await host.open(page);
  await runToEnd(page, host, 'autopilot-no-eua');
  await expect(page.getByTestId('prompts')).toHaveText('prompts 2');
  await selectStep(page, 'must sign in again');
  await expect(ui.diagram(page).locator('g.prompt-mark.second')).toHaveCount(1);
  await shot(page, 'second-prompt');
});

test('screenshots: compare autopilot-eua with autopilot-no-eua, the EUA token row picked', async ({ host, page }) => {
  await page.addInitScript(() => localStorage.setItem('enrollscope.theme', 'dark'));
  await host.open(page);
  await runToEnd(page, host, 'autopilot-eua');
  await expect.poll(() => host.session.runs().length).toBe(1);
  await runToEnd(page, host, 'autopilot-no-eua');
  await expect.poll(() => host.session.runs().length).toBe(2);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page.getByTestId('compare-prompts')).toHaveText('prompts 1 vs 2');
  await ui.compareRows(page).filter({ hasText: 'OMA-DM session 1 message 2' }).click();
  await expect(page.getByRole('region', { name: 'Both steps' })).toBeVisible();
  await page.getByRole('list', { name: 'Aligned steps' }).evaluate((el) => {
    const row = el.querySelector('[aria-current="true"]') as HTMLElement | null;
    if (row) el.scrollTop = row.offsetTop - (el as HTMLElement).offsetTop;
  });
  await shot(page, 'compare');
});

test('screenshots: a saved run opened from its bundle, the DB tab at an earlier step', async ({ host, page }, info) => {
  await page.addInitScript(() => localStorage.setItem('enrollscope.theme', 'dark'));
  await host.open(page);
  await runToEnd(page, host, 'autopilot-no-eua');
  const file = info.outputPath('run.json');
  await ui.exportBundle(page, file);
  await page.getByLabel('Open a saved run').setInputFiles(file);
  await expect(page.getByTestId('saved-run')).toContainText('Saved run: autopilot-no-eua');
  // Back to the second prompt: the world (and the DB tab) as it was then.
  const prompt = host.session.steps().find((s) => s.prompt?.count === 2)!;
  for (let n = host.session.steps().length - 1; n > prompt.index; n--) await ui.button(page, 'Back').click();
  await expect(ui.steps(page).locator(`[data-step-index="${prompt.index}"]`)).toHaveAttribute('aria-current', 'true');
  await ui.tab(page, 'DB').click();
  await expect(page.getByRole('region', { name: /^DB after step/ })).toBeVisible();
  await shot(page, 'saved-run');
  const world = host.session.current;
  await page.getByRole('button', { name: 'Back to the live lab' }).click();
  // The live run comes back whole: the same world, not a new one (issue 11, "no lost runs").
  await expect(page.getByTestId('saved-run')).toHaveCount(0);
  expect(host.session.current).toBe(world);
});

test('screenshots: the trainer console after a Get of ./DevDetail/SwV and a sync', async ({ host, page }) => {
  await page.addInitScript(() => localStorage.setItem('enrollscope.theme', 'dark'));
  await host.open(page);
  await runToEnd(page, host, 'autopilot-eua');
  await page.getByRole('button', { name: 'Console', exact: true }).click();
  await ui.console(page).getByRole('button', { name: 'Queue command' }).click();
  await ui.console(page).getByRole('button', { name: 'Sync device now' }).click();
  const answer = ui.console(page).getByRole('list', { name: 'Queued commands' }).getByRole('listitem').first();
  await expect(answer).toContainText('= ');
  await answer.getByRole('button', { name: /^step \d+$/ }).click();
  await shot(page, 'console');
});

test('screenshots: a TPM2_Create on swtpm, the command decoded with its bytes and response code', async ({ host, page }) => {
  await page.addInitScript(() => localStorage.setItem('enrollscope.theme', 'dark'));
  await host.open(page);
  await page.locator('details.options > summary').click();
  await page.getByRole('group', { name: 'Scenario options' }).getByLabel('TPM', { exact: true }).selectOption('swtpm');
  await page.locator('details.options > summary').click();
  await runToEnd(page, host);
  // Picked by catalog id (the filter matches it), the first TPM2_Create: the device key under the SRK.
  await page.getByLabel('Filter steps').fill('tpm2.create');
  await (await stepRowMatching(page, '[data-catalog-id="tpm2.create"]')).click();
  await page.getByLabel('Filter steps').fill('');
  await expect(page.getByTestId('tpm2-rc')).toHaveAttribute('data-rc', 'TPM_RC_SUCCESS');
  await page.locator('.diagram').click({ position: { x: 2, y: 2 } });
  await shot(page, 'tpm2-step');
});
