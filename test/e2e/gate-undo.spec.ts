import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';

test('the gate editor undoes an edit with Ctrl+Z: the request is as it was, no edit pending', async ({ host, page }) => {
  await host.open(page);
  await ui.addBreakpoint(page, 'Path', '/api/fleet/orbit/enroll');
  await ui.button(page, 'Run').click();
  await ui.waitUntilWaiting(page);
  const original = host.session.steps().find((s) => s.status === 'waiting')!.request!.body;

  const editor = page.getByRole('textbox', { name: 'Request body' });
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('XYZ');
  await expect(editor).toContainText('XYZ');
  await expect(page.getByText('edited, not sent yet')).toBeVisible();

  await page.keyboard.press('Control+z');
  await expect(editor).not.toContainText('XYZ');
  // The editor shows the body pretty-printed: undone, it holds the client's body again (whitespace aside).
  expect((await editor.textContent())!.replace(/\s/g, '')).toBe(original.replace(/\s/g, ''));
  await expect(page.getByText('edited, not sent yet')).toHaveCount(0);
});
