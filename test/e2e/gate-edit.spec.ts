import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { stepRow } from './step-rows.js';

test('an eua_token edited at the gate is refused with 401 END_USER_AUTH_REQUIRED and the user is asked a second time', async ({ host, page }) => {
  await host.open(page);
  await ui.addBreakpoint(page, 'Path', '/api/fleet/orbit/enroll');
  await ui.button(page, 'Run').click();
  await ui.waitUntilWaiting(page);

  // Break the token's signature: change a character inside it (the last one may carry only padding bits).
  const waiting = host.session.steps().find((s) => s.status === 'waiting')!;
  const original = waiting.request!.body;
  const body = JSON.parse(original) as { eua_token: string };
  const sig = body.eua_token;
  const at = sig.length - 10;
  const edited = JSON.stringify({ ...body, eua_token: sig.slice(0, at) + (sig[at] === 'A' ? 'B' : 'A') + sig.slice(at + 1) });
  const editor = page.getByRole('textbox', { name: 'Request body' });
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText(edited);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await ui.clearBreakpoints(page);
  await ui.button(page, 'Continue').click();
  await ui.waitUntilEnded(page);

  const step = host.session.steps()[waiting.index]!;
  expect(step.originalRequest?.body).toBe(original);
  expect(step.request?.body).toBe(edited);
  await (await stepRow(page, waiting.index)).click();
  await expect(ui.steps(page).locator(`[data-step-index="${waiting.index}"] .status`)).toHaveText('401');
  await expect(page.getByRole('note')).toContainText('Edited at the gate');
  await ui.tab(page, 'Response').click();
  await expect(page.getByRole('tabpanel')).toContainText('END_USER_AUTH_REQUIRED');
  await expect(page.getByTestId('prompts')).toHaveText('prompts 2');
  await expect(ui.diagram(page).locator('g.prompt-mark.second')).toHaveCount(1);
});

test('a minified body is edited pretty-printed, sent minified as the client sends it, and the diff shows only the removed line', async ({ host, page }) => {
  await host.open(page);
  await ui.addBreakpoint(page, 'Path', '/api/fleet/orbit/enroll');
  await ui.button(page, 'Run').click();
  await ui.waitUntilWaiting(page);

  const waiting = host.session.steps().find((s) => s.status === 'waiting')!;
  expect(waiting.catalogId).toBe('orbit.enroll');
  const original = waiting.request!.body;
  const { eua_token: _token, ...rest } = JSON.parse(original) as Record<string, unknown>;
  const editor = page.getByRole('textbox', { name: 'Request body' });
  // Orbit sends compact JSON; the editor shows it one field per line.
  await expect(editor).toContainText('"eua_token": "');
  await expect(page.getByText('shown pretty-printed, sent minified')).toBeVisible();
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText(JSON.stringify(rest, null, 2));
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await ui.clearBreakpoints(page);
  await ui.button(page, 'Continue').click();
  await ui.waitUntilEnded(page);

  const step = host.session.steps()[waiting.index]!;
  expect(step.request?.body).toBe(JSON.stringify(rest));
  expect(step.title).toMatch(/\(edited at the gate\)$/);
  await (await stepRow(page, waiting.index)).click();
  await expect(ui.steps(page).locator(`[data-step-index="${waiting.index}"]`)).toContainText('edited at the gate');
  await page.getByRole('button', { name: 'Diff' }).click();
  const diff = page.getByLabel('Edit diff');
  // One field removed: its line goes, and the line before it loses its trailing comma; nothing else differs.
  await expect(diff.locator('.del')).toHaveCount(1);
  await expect(diff.locator('.del')).toContainText('"eua_token"');
  await expect(diff.locator('.del')).toContainText('"hardware_model": "Virtual Machine",');
  await expect(diff.locator('.add')).toHaveText('  "hardware_model": "Virtual Machine"\n');
});
