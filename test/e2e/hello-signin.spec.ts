import { test, expect, screenshotPath } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { stepKind, type StepKindId } from '../../emulators/protocols/steps.js';

/** The Windows Hello steps of hello-signin, in the order Windows takes them (provisioning, then the PIN sign-in). */
const HELLO_STEPS: StepKindId[] = ['device.hello.pin-setup', 'tpm.create-ngc-key', 'drs.key-provision', 'device.hello.keep-key', 'user.hello-pin', 'tpm.ngc-sign', 'prt.request.hello'];

test('a Windows Hello sign-in step by step: provisioning, the PIN, the NGC-signed PRT request, each with its spec section', async ({ host, page }) => {
  await page.addInitScript(() => localStorage.setItem('enrollscope.theme', 'dark'));
  await host.open(page);
  await ui.runScenario(page, 'hello-signin');
  await expect(ui.status(page)).toHaveAttribute('data-status', 'done');

  const steps = host.session.steps();
  const order = steps.map((s) => s.catalogId).filter((id): id is StepKindId => HELLO_STEPS.includes(id as StepKindId));
  expect(order).toEqual(HELLO_STEPS);
  const first = steps.find((s) => s.catalogId === HELLO_STEPS[0])!.index;
  const last = steps.find((s) => s.catalogId === 'prt.request.hello')!.index;

  // Walk from the PIN set-up to the Hello PRT with the keyboard, as a person would, reading the Spec tab of each step.
  await ui.steps(page).getByRole('listitem').first().click();
  await page.keyboard.press('Home');
  await ui.tab(page, 'Spec').click();
  for (let i = 0; i < first; i++) await page.keyboard.press('j');
  const spec = page.getByTestId('spec-tab');
  for (const step of steps.slice(first, last + 1)) {
    const row = ui.steps(page).locator(`[data-step-index="${step.index}"]`);
    await expect(row).toHaveAttribute('aria-current', 'true');
    await expect(row).toHaveAttribute('data-catalog-id', step.catalogId);
    await expect(spec).toHaveAttribute('data-catalog-id', step.catalogId);
    const kind = stepKind(step.catalogId);
    await expect(spec.locator('.spec-doc')).toHaveText(`${kind.spec.doc} § ${kind.spec.section}`);
    await expect(spec.getByRole('link')).toHaveAttribute('href', kind.spec.url);
    if (step.index < last) await page.keyboard.press('j');
  }

  // The Hello PRT request: its Spec tab names the Entra join authentication section, its arrow is in the diagram.
  await expect(spec.locator('.spec-doc')).toHaveText('Windows Hello for Business § Microsoft Entra join authentication to Microsoft Entra ID');
  await expect(ui.diagram(page).locator(`g.seq-step[data-catalog-id="prt.request.hello"]`)).toHaveCount(1);
  await page.screenshot({ path: screenshotPath('hello-signin-spec.png').replace(/^docs[\\/]screenshots/, 'test-results/screenshots') });

  // The key registration answered 200 with MS-KPP's {kid, upn}; the Hello PRT's id_token says amr rsa + mfa.
  const key = steps.find((s) => s.catalogId === 'drs.key-provision')!;
  expect(key.response?.status).toBe(200);
  expect(Object.keys(JSON.parse(key.response!.body) as object)).toEqual(['kid', 'upn']);
  expect(steps[last]!.tokens.some((t) => JSON.stringify(t.payload?.amr) === JSON.stringify(['rsa', 'mfa']))).toBe(true);

  // The Tokens tab decodes the NGC assertion inside the request and checks it against the registered Hello key.
  await ui.tab(page, 'Tokens').click();
  const card = page.getByRole('article', { name: /→ assertion$/ });
  await expect(card.locator('[data-claim="use"] code')).toHaveText('ngc');
  await expect(card.locator('[data-verdict="signature"]')).toContainText('Windows Hello key of bob@');
  await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: screenshotPath('hello-signin.png') });
});
