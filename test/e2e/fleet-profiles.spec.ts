import { test, expect, screenshotPath } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { FLEET_SWITCHES } from '../../emulators/mdm/profiles/switches.js';

test('the Fleet picker: the newest profile by default, its switches with their PRs, and a Run under the profile picked', async ({ host, page }) => {
  await host.open(page);
  const picker = page.getByLabel('Fleet profile', { exact: true });
  await expect(picker).toHaveValue('current');
  await page.getByLabel('What this Fleet profile does').click();
  const switches = page.getByRole('list', { name: 'Behaviour switches of current' });
  await expect(switches.locator('li.on')).toHaveCount(FLEET_SWITCHES.length);
  await expect(switches.locator('[data-switch="eua-link-after-enroll"] a')).toHaveText('#45066');
  await page.getByLabel('What this Fleet profile does').click();

  await picker.selectOption('eua-first');
  await ui.runScenario(page, 'autopilot-eua');
  expect(host.session.state().fleet).toBe('eua-first');
  await page.getByLabel('What this Fleet profile does').click();
  await expect(page.getByRole('list', { name: 'Behaviour switches of eua-first' }).locator('li.on')).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('fleet-profile.png') });
});

test('compare Fleet profiles in one click: the scenario runs under A then B and the two runs are compared', async ({ host, page }) => {
  await host.open(page);
  await page.getByLabel('Scenario', { exact: true }).selectOption('autopilot-eua');
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const bar = page.getByRole('group', { name: 'Compare Fleet profiles' });
  await bar.getByLabel('Fleet profile A').selectOption('eua-first');
  await bar.getByLabel('Fleet profile B').selectOption('eua-link-fix');
  await expect(page.getByTestId('profile-switches-differ')).toContainText('2 switches differ: fleetd-install-one-command #43295, eua-link-after-enroll #45066');
  await bar.getByRole('button', { name: 'Run both and compare' }).click();
  await expect(page.getByTestId('compare-a')).toHaveText('A: autopilot-eua · Fleet eua-first', { timeout: 60_000 });
  await expect(page.getByTestId('compare-b')).toHaveText('B: autopilot-eua · Fleet eua-link-fix');
  const runs = host.session.runs();
  expect(runs.map((r) => r.fleet)).toEqual(['eua-first', 'eua-link-fix']);
  const view = page.getByRole('region', { name: 'Compare runs' });
  await expect(view.getByLabel('Run A', { exact: true })).toHaveValue(`run:${runs[0]!.runId}`);
  await expect(view.getByLabel('Run B', { exact: true })).toHaveValue(`run:${runs[1]!.runId}`);
  await page.screenshot({ path: screenshotPath('compare-fleet-profiles.png') });
  // The same profile on both sides is not a comparison.
  await bar.getByLabel('Fleet profile B').selectOption('eua-first');
  await expect(bar.getByRole('button', { name: 'Run both and compare' })).toBeDisabled();
});
