import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';

test('Run plays autopilot-eua to the end and the user is asked once', async ({ host, page }) => {
  await host.open(page);
  await expect(page.getByLabel('Scenario', { exact: true })).toHaveValue('autopilot-eua');
  await ui.button(page, 'Run').click();
  await ui.waitUntilEnded(page);
  await expect(ui.status(page)).toHaveText('done');
  await expect(page.getByTestId('prompts')).toHaveText('prompts 1');
  await expect(ui.steps(page).getByText('/api/fleet/orbit/enroll')).toBeVisible();

  // The list filtered to prompts holds exactly one; selecting it brings its mark into the diagram, not in red.
  await page.getByLabel('Status').selectOption('prompt');
  const prompts = ui.steps(page).getByRole('listitem');
  await expect(prompts).toHaveCount(1);
  await prompts.first().click();
  await expect(ui.diagram(page).locator('g.prompt-mark')).toHaveCount(1);
  await expect(ui.diagram(page).locator('g.prompt-mark.second')).toHaveCount(0);
});
