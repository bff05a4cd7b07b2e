import { test, expect, screenshotPath } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { stepRow } from './step-rows.js';

test("the PRT reply's Kerberos TGT shows on the Tokens tab as its JSON and the decoded KRB-AS-REP", async ({ host, page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await host.open(page);
  await ui.button(page, 'Run').click();
  await ui.waitUntilEnded(page);
  const prt = host.session.steps().find((s) => s.catalogId === 'prt.request' && s.response?.status === 200)!;
  expect(prt).toBeDefined();
  // The filter reads response bodies: the PRT reply is the step that carries tgt_cloud.
  await page.getByLabel('Filter steps').fill('tgt_cloud');
  await (await stepRow(page, prt.index)).click();
  await ui.tab(page, 'Tokens').click();
  const card = page.getByRole('article', { name: 'Kerberos TGT in tgt_cloud' });
  await expect(card).toBeVisible();
  await expect(card.locator('[data-testid="as-rep"] tr[data-field="crealm"] code')).toHaveText('KERBEROS.MICROSOFTONLINE.COM');
  await expect(card.locator('[data-testid="as-rep"] tr[data-field="msg-type"] code')).toHaveText('11 KRB_AS_REP');
  await expect(card.locator('[data-testid="as-rep"] tr[data-field="ticket.sname"] code')).toHaveText('krbtgt/KERBEROS.MICROSOFTONLINE.COM (NT-SRV-INST)');
  await card.locator('header').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('tokens-kerberos-tgt.png') });
  await card.locator('[data-testid="as-rep"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('tokens-kerberos-as-rep.png') });
  // 150 % zoom on the same 1280×720 window.
  await page.evaluate(() => ((document.documentElement.style as CSSStyleDeclaration & { zoom: string }).zoom = '1.5'));
  await card.locator('[data-testid="as-rep"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/tokens-kerberos-150.png' });
});
