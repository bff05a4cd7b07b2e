import type { Page } from '@playwright/test';
import { test, expect, screenshotPath } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { stepRowMatching } from './step-rows.js';

/** Search everything (issue 11): the filter reads bodies, claims and DB values; the inspector marks the match. */

const filter = (page: Page) => page.getByLabel('Filter steps');
const rows = (page: Page) => ui.steps(page).getByRole('listitem');
const inspector = (page: Page) => page.getByRole('region', { name: 'Inspector' });
const catalogIds = (page: Page) => rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-catalog-id')));

test('search by body text: END_USER_AUTH_REQUIRED finds the refused orbit enroll and marks it in the response body', async ({ host, page }) => {
  await host.open(page);
  await ui.runScenario(page, 'autopilot-no-eua');
  await filter(page).fill('END_USER_AUTH_REQUIRED');
  await expect(rows(page)).toHaveCount(1);
  expect(await catalogIds(page)).toEqual(['orbit.enroll']);
  // The row says why it matched (the title does not hold the word); a click on that shows it.
  const reason = rows(page).first().locator('.match-reason');
  await expect(reason).toHaveText('response body');
  await reason.click();
  await expect(ui.tab(page, 'Response')).toHaveAttribute('aria-selected', 'true');
  const hit = inspector(page).locator('.code-view .cm-search-hit').first();
  await expect(hit).toBeVisible();
  await expect(hit).toHaveText('END_USER_AUTH_REQUIRED');
  await page.screenshot({ path: screenshotPath('search-body.png') });
});

test('search by claim: EUAToken finds every step carrying the EUA token; its claim row is marked and links to the step that issued it', async ({ host, page }) => {
  await host.open(page);
  await ui.runScenario(page, 'autopilot-eua');
  await filter(page).fill('EUAToken');
  await expect(rows(page)).toHaveCount(4);
  expect(await catalogIds(page)).toEqual(['omadm.message', 'msi.install', 'orbit.start', 'orbit.enroll']);
  const enroll = ui.steps(page).locator('[data-catalog-id="orbit.enroll"]');
  await expect(enroll.locator('.match-reason')).toHaveText('claim sub');
  await enroll.locator('.match-reason').click();
  await expect(ui.tab(page, 'Tokens')).toHaveAttribute('aria-selected', 'true');
  const claim = inspector(page).locator('tr.hit[data-claim="sub"]');
  await expect(claim).toHaveCount(1);
  await expect(claim.locator('mark.search-hit')).toHaveText('EUAToken');
  // The EUA token came in the server's SyncML (the Add of the MSI job's command line): that step issued it.
  const origin = inspector(page).locator('.token-origin[data-origin="issued"] button.step-link');
  await expect(origin).toContainText('OMA-DM session 1 message 2');
  await page.screenshot({ path: screenshotPath('search-claim.png') });
  await origin.click();
  await expect(ui.steps(page).locator('[aria-current="true"]')).toHaveAttribute('data-catalog-id', 'omadm.message');
  await expect(inspector(page).locator('.insp-title')).toContainText('OMA-DM session 1 message 2');
});

test('search by DB value: a table name and a value Fleet wrote find the orbit enroll; the DB tab marks the cell', async ({ host, page }) => {
  await host.open(page);
  await ui.runScenario(page, 'autopilot-eua');
  await filter(page).fill('mdm_idp_accounts');
  await expect(rows(page)).toHaveCount(1);
  expect(await catalogIds(page)).toEqual(['orbit.enroll']);
  await expect(rows(page).first().locator('.match-reason')).toHaveText('db mdm_idp_accounts');
  await rows(page).first().locator('.match-reason').click();
  await expect(ui.tab(page, 'DB')).toHaveAttribute('aria-selected', 'true');
  const change = inspector(page).locator('li.change[data-table="mdm_idp_accounts"]');
  await expect(change.locator('.change-head mark.search-hit')).toHaveText('mdm_idp_accounts');

  // The account's uuid is made by the server (random per run): read it, then search for it.
  const uuid = (await change.locator('tr', { has: page.locator('th', { hasText: /^uuid$/ }) }).locator('td').last().getAttribute('title'))!;
  expect(uuid).toMatch(/^[0-9a-f-]{36}$/i);
  await filter(page).fill(uuid);
  await expect(ui.steps(page).locator('[data-catalog-id="orbit.enroll"]')).toHaveCount(1);
  expect(await catalogIds(page)).toEqual(['orbit.enroll']);
  await expect(rows(page).first().locator('.match-reason')).toHaveText(/^db (mdm_idp_accounts\.uuid|host_mdm_idp_accounts\.account_uuid)$/);
  await expect(change.locator('td.hit mark.search-hit')).toHaveText(uuid);
  await expect(inspector(page).locator('li.change[data-table="host_mdm_idp_accounts"] td.hit')).toHaveCount(1);
  await page.screenshot({ path: screenshotPath('search-db.png') });
});

test("row history: the mdm_idp_accounts row written at orbit enroll, and the enrollment row's writes (orbit enroll's two: the link and the mdm_enrolled claim), each linking to its step", async ({ host, page }) => {
  await host.open(page);
  await ui.runScenario(page, 'autopilot-eua');
  const enroll = ui.steps(page).locator('[data-catalog-id="orbit.enroll"]');
  await enroll.click();
  await ui.tab(page, 'DB').click();
  await inspector(page).getByRole('button', { name: 'History of this mdm_idp_accounts row' }).click();
  const history = inspector(page).getByRole('region', { name: 'Row history' });
  await expect(history).toHaveAttribute('data-table', 'mdm_idp_accounts');
  const entries = history.getByRole('list', { name: 'Writes to this row' }).getByRole('listitem');
  await expect(entries).toHaveCount(1);
  await expect(entries.first()).toHaveClass(/op-insert/);
  const enrollIndex = await enroll.getAttribute('data-step-index');
  await expect(entries.first().locator('button.step-link')).toHaveAttribute('data-step-link', enrollIndex!);
  await expect(entries.first().locator('table.rowdiff')).toContainText('alice@enrollscope.onmicrosoft.com');

  // From a later step, the history stays and its link goes back to the step that wrote the row.
  await (await stepRowMatching(page, '[data-catalog-id="orbit.config"]')).click();
  await expect(entries.first()).toHaveClass(/op-insert/);
  await entries.first().locator('button.step-link').click();
  await expect(ui.steps(page).locator('[aria-current="true"]')).toHaveAttribute('data-catalog-id', 'orbit.enroll');

  // A row of the table dump: the Windows enrollment, inserted by the WSTEP enroll and updated by the DM session and orbit.
  const table = inspector(page).locator('details.db-table[data-table="mdm_windows_enrollments"]');
  await table.locator('summary').click();
  await table.locator('table.rows tbody tr').first().click();
  await expect(history).toHaveAttribute('data-table', 'mdm_windows_enrollments');
  // One entry per write the lab recorded to that row, in step order (the session's own change log is the reference):
  // the WSTEP insert, the DM sessions' updates (serial, ESP state), and orbit enroll's two (the host_uuid link, then the
  // claim of the deferred mdm_enrolled activity, PR #52235, its own UPDATE in Fleet too).
  // autopilot-eua has one Windows enrollment: every write to the table is to this row.
  const writes = host.session.steps().flatMap((st) => st.changes.filter((c) => c.party === 'mdm' && c.table === 'mdm_windows_enrollments').map(() => st));
  await expect(entries).toHaveCount(writes.length);
  const linked = await entries.locator('button.step-link').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-step-link'))));
  expect(linked).toEqual(writes.map((st) => st.index));
  expect(writes[0]!.catalogId).toBe('mde2.rst');
  const atEnroll = writes.map((st, i) => [st.catalogId, i] as const).filter(([id]) => id === 'orbit.enroll').map(([, i]) => i);
  expect(atEnroll).toHaveLength(2);
  await expect(entries.first()).toHaveClass(/op-insert/);
  // The step on screen is orbit enroll: its last write is the current one, the DM sessions after it are later.
  await expect(entries.nth(atEnroll[1]!)).toHaveClass(/current/);
  if (writes.length > atEnroll[1]! + 1) await expect(entries.last()).toHaveClass(/later/);
  await expect(entries.nth(atEnroll[0]!).locator('tr.changed th', { hasText: /^host_uuid$/ })).toHaveCount(1);
  await expect(entries.nth(atEnroll[1]!).locator('tr.changed th', { hasText: /^mdm_enrolled_activity_at$/ })).toHaveCount(1);
  await page.screenshot({ path: screenshotPath('row-history.png') });
  await entries.first().locator('button.step-link').click();
  await expect(ui.steps(page).locator('[aria-current="true"]')).toHaveAttribute('data-catalog-id', 'mde2.rst');
});
