import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, screenshotPath } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { stepRowMatching } from './step-rows.js';

test('a failing run gives its seed, its failed expectation with the deciding step, the repro command and a redacted export named for it', async ({ host, page }, info) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await host.open(page);
  await page.locator('details.options > summary').click();
  await page.getByLabel('Seed').fill('bug-7');
  // The server's EUA feature off: autopilot-eua cannot keep to one prompt, its expectation fails.
  await page.getByRole('group', { name: 'Scenario options' }).getByRole('checkbox').first().uncheck();
  await page.locator('details.options > summary').click();
  await ui.button(page, 'Run').click();
  await ui.waitUntilEnded(page);

  await page.locator('details.report-menu > summary').click();
  const report = page.getByRole('group', { name: 'Bug report' });
  await expect(report.getByTestId('run-seed')).toHaveText('bug-7');
  const failed = report.getByRole('list', { name: 'Expectations' }).locator('li[data-passed="false"]');
  await expect(failed.first()).toContainText('the user is prompted 1 time(s)');
  await expect(failed.first()).toContainText('prompted 2 time(s)');
  await failed.first().getByRole('button').click();
  // The deciding step is the second prompt: orbit's SSO page.
  await expect(ui.steps(page).locator('[aria-current="true"]')).toHaveAttribute('data-catalog-id', 'orbit.sso-prompt');

  await expect(report.getByTestId('repro-command')).toHaveText('npm run -s enrollscope -- run autopilot-eua --seed bug-7 --set eua=false');
  await page.screenshot({ path: screenshotPath('bug-report.png') });
  await report.getByRole('button', { name: 'Copy repro command' }).click();
  await expect(report.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('npm run -s enrollscope -- run autopilot-eua --seed bug-7 --set eua=false');

  // Copy as curl, and the token and body copy buttons, on the orbit enroll that carried no EUA token.
  await page.locator('details.report-menu > summary').click();
  await (await stepRowMatching(page, '[data-catalog-id="orbit.enroll"]')).click();
  await ui.tab(page, 'Request').click();
  await page.getByRole('button', { name: 'Copy as curl' }).click();
  const curl = await page.evaluate(() => navigator.clipboard.readText());
  expect(curl).toMatch(/^curl -sS -X POST 'http:\/\/127\.0\.0\.1:\d+\/api\/fleet\/orbit\/enroll'/);
  expect(curl).toContain("'content-type: application/json'");
  await page.getByRole('button', { name: 'Copy body' }).click();
  expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))).toHaveProperty('enroll_secret');
  await page.locator('details.report-menu > summary').click();

  const download = page.waitForEvent('download');
  await report.getByRole('link', { name: 'Export the run for a bug report' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('enrollscope-autopilot-eua-seed-bug-7-redacted.json');
  const path = join(info.outputDir, file.suggestedFilename());
  await file.saveAs(path);
  const text = readFileSync(path, 'utf8');
  // Every password the run sent (ROPC, the SSO callback) is gone from the export.
  const passwords = host.session.steps().flatMap((s) => [...(s.request?.body ?? '').matchAll(/(?:^|&)password=([^&]+)/g)].map((m) => decodeURIComponent(m[1]!)));
  expect(passwords.length).toBeGreaterThan(0);
  for (const p of passwords) expect(text).not.toContain(p);
  expect(JSON.parse(text)).toMatchObject({ scenario: 'autopilot-eua', seed: 'bug-7', passed: false });

  // The form that keeps the DB snapshots but not the lab servers' private keys.
  await report.getByRole('radio', { name: /Without the lab servers' private keys/ }).check();
  const keyless = page.waitForEvent('download');
  await report.getByRole('link', { name: 'Export the run for a bug report' }).click();
  const kfile = await keyless;
  expect(kfile.suggestedFilename()).toBe('enrollscope-autopilot-eua-seed-bug-7-without-keys.json');
  const kpath = join(info.outputDir, kfile.suggestedFilename());
  await kfile.saveAs(kpath);
  const kbundle = JSON.parse(readFileSync(kpath, 'utf8')) as { snapshots?: { pages: Record<string, string> } };
  const kpages = Object.values(kbundle.snapshots?.pages ?? {});
  expect(kpages.length).toBeGreaterThan(0);
  expect(kpages.some((b64) => Buffer.from(b64, 'base64').includes('PRIVATE KEY-----'))).toBe(false);
});
