import { execFileSync } from 'node:child_process';
import { test, expect } from './fixtures.js';

test('the step list shows requests an outside client (curl) sends to the MDM server, live', async ({ host, page }) => {
  await host.open(page);
  const mdm = host.session.current.mdm.url;
  execFileSync('curl', ['-s', '-o', '/dev/null', `${mdm}/EnrollmentServer/Discovery.svc`]);
  const steps = page.getByRole('list', { name: 'Steps' });
  await expect(steps.getByText('/EnrollmentServer/Discovery.svc')).toBeVisible();
  await expect(steps.getByText('external')).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/live-steps.png' });
});
