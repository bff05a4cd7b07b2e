import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';

test('the console queues a Get of ./DevDetail/SwV; Sync device now brings new steps whose Results carry the OS version', async ({ host, page }) => {
  await host.open(page);
  await ui.runScenario(page, 'autopilot-eua');
  const before = host.session.steps().length;
  const swv = host.session.current.devices.at(-1)!.hardware.osVersion;

  await page.getByRole('button', { name: 'Console', exact: true }).click();
  await ui.console(page).getByLabel('Command template').selectOption({ label: 'Get ./DevDetail/SwV (OS version)' });
  await expect(ui.console(page).getByRole('textbox', { name: 'SyncML command' })).toContainText('./DevDetail/SwV');
  await ui.console(page).getByRole('button', { name: 'Queue command' }).click();
  await expect(ui.console(page).getByRole('list', { name: 'Queued commands' })).toContainText('./DevDetail/SwV');

  await ui.console(page).getByRole('button', { name: 'Sync device now' }).click();
  await expect(page.locator('.filter-bar .count')).not.toHaveText(String(before + 1));
  const answer = ui.console(page).getByRole('list', { name: 'Queued commands' }).getByRole('listitem').first();
  await expect(answer).toContainText(`= ${swv}`);
  expect(host.session.steps().length).toBeGreaterThan(before + 1);

  // The step that carried the Results: its SyncML holds the value the device read from its CSP tree.
  await answer.getByRole('button', { name: /^step \d+$/ }).click();
  await ui.tab(page, 'Request').click();
  const outline = page.getByRole('list', { name: 'Message outline' });
  await expect(outline).toContainText('Results');
  await expect(outline).toContainText('./DevDetail/SwV');
  await expect(outline).toContainText(swv);
});

test('a console refusal is shown beside its form: a command that is not SyncML (400)', async ({ host, page }) => {
  await host.open(page);
  await ui.runScenario(page, 'autopilot-eua');
  await page.getByRole('button', { name: 'Console', exact: true }).click();
  const editor = ui.console(page).getByRole('textbox', { name: 'SyncML command' });
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText('not xml <');
  await ui.console(page).getByRole('button', { name: 'Queue command' }).click();
  await expect(ui.console(page).getByRole('alert')).toContainText('(400)');
});

test('the EUA setting flipped off in the console, then autopilot-eua: the user is asked twice', async ({ host, page }) => {
  await host.open(page);
  await page.getByRole('button', { name: 'Console', exact: true }).click();
  const eua = ui.console(page).getByRole('checkbox', { name: /EUA token \(Fleet ≥ #41381\)/ });
  await expect(eua).toBeChecked();
  await eua.uncheck();
  await expect(eua).not.toBeChecked();
  await expect.poll(async () => (await host.session.console.mdmSettings()).euaTokenEnabled).toBe(false);

  await ui.runScenario(page, 'autopilot-eua');
  await expect(page.getByTestId('prompts')).toHaveText('prompts 2');
  await expect(ui.steps(page).getByRole('listitem').filter({ hasText: 'prompt 2' })).toHaveCount(1);
});
