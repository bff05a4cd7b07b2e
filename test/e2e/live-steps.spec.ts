import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test, expect, screenshotPath } from '../helpers/e2e-host.js';

// curl runs asynchronously: the MDM server answering it lives in this same process.
const run = promisify(execFile);

test('the step list shows requests an outside client (curl) sends to the MDM server, live', async ({ host, page }) => {
  await host.open(page);
  const mdm = host.session.current.mdm.url;
  await run('curl', ['-s', '-m', '10', '-o', '/dev/null', `${mdm}/EnrollmentServer/Discovery.svc`]);
  const steps = page.getByRole('list', { name: 'Steps' });
  await expect(steps.getByText('/EnrollmentServer/Discovery.svc')).toBeVisible();
  await expect(steps.getByText('external')).toBeVisible();
  await page.screenshot({ path: screenshotPath('live-steps.png') });
});
