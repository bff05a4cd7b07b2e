import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { findSwtpm } from '../../emulators/device/tpm/swtpm.js';
import { stepRowMatching } from './step-rows.js';

test('the TPM run option: swtpm chosen in the picker, the run says so and a TPM2 command shows its response code', async ({ host, page }) => {
  if (!findSwtpm()) throw new Error('swtpm is not installed: run .ci/run (or apt-get install swtpm swtpm-tools)');
  await host.open(page);
  await page.locator('details.options > summary').click();
  const tpm = page.getByRole('group', { name: 'Scenario options' }).getByLabel('TPM', { exact: true });
  // The UI's first run is on the in-process TPM (ui --tpm's default), and this host has swtpm to offer.
  await expect(tpm).toHaveValue('soft');
  await expect(tpm).toHaveAttribute('data-swtpm', 'available');
  await tpm.selectOption('swtpm');
  await page.locator('details.options > summary').click();
  // Held at the DRS join: by then the device has made its keys in swtpm (no need to run to the end for them).
  await ui.addBreakpoint(page, 'Path', '/EnrollmentServer/device');
  await ui.button(page, 'Run').click();
  await ui.waitUntilWaiting(page);
  expect(host.session.steps().find((s) => s.catalogId === 'tpm.backend')?.detail).toMatchObject({ backend: 'swtpm', choice: 'swtpm' });

  // The list is virtual: the filter (which matches catalog ids) brings the row into it, then it is picked by its id.
  await page.getByLabel('Filter steps').fill('tpm.backend');
  await (await stepRowMatching(page, '[data-catalog-id="tpm.backend"]')).click();
  await expect(page.locator('[aria-label="Local step detail"]')).toContainText('"backend": "swtpm"');
  await page.getByLabel('Filter steps').fill('tpm2.create');
  await (await stepRowMatching(page, '[data-catalog-id="tpm2.create"]')).click();
  await expect(page.getByTestId('tpm2-command')).toContainText('TPM_CC_Create');
  await expect(page.getByTestId('tpm2-rc')).toHaveAttribute('data-rc', 'TPM_RC_SUCCESS');
  await ui.tab(page, 'Response').click();
  await expect(page.getByTestId('tpm2-response').getByTestId('tpm2-rc')).toHaveText('TPM_RC_SUCCESS (0x000)');

  // The choice sticks for the next run, as HTTPS does: a fresh page has it from the host.
  await host.open(page);
  await page.locator('details.options > summary').click();
  await expect(tpm).toHaveValue('swtpm');
});
