import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { until } from '../helpers/events.js';
import { runScenarios } from '../../app/host/headless.js';

// Issue 11 "Run state you can trust": each test reproduces one of the defects seen.

const count = (page: Page) => page.locator('.filter-bar .count');
const bpItems = (page: Page) => page.locator('.bp-list li');

async function openBreakpoints(page: Page): Promise<void> {
  await page.locator('details.breakpoints > summary').click();
}

test('opening a saved run and going back to the live lab keeps the live run whole', async ({ host, page }, info) => {
  // A saved run of another scenario, as a file from CI would be.
  const saved = (await runScenarios(['autopilot-no-eua'], { seed: 'saved' })).runs[0]!.bundle;
  const file = info.outputPath('saved.json');
  writeFileSync(file, JSON.stringify(saved));

  await host.open(page);
  await ui.runScenario(page, 'autopilot-eua');
  const live = host.session.steps();
  const world = host.session.current;
  await expect(count(page)).toHaveText(String(live.length));
  await expect(page.getByTestId('prompts')).toHaveText('prompts 1');

  await page.getByLabel('Open a saved run').setInputFiles(file);
  // A bundle with every snapshot is read, sent and checked against the contract: allow for a busy machine.
  await expect(page.getByTestId('saved-run')).toContainText('Saved run: autopilot-no-eua', { timeout: 20_000 });
  await expect(count(page)).toHaveText(String(saved.steps.length));

  await page.getByRole('button', { name: 'Back to the live lab' }).click();
  await expect(page.getByTestId('saved-run')).toHaveCount(0);
  await expect(count(page)).toHaveText(String(live.length));
  await expect(page.getByTestId('prompts')).toHaveText('prompts 1');
  await expect(ui.status(page)).toHaveAttribute('data-status', 'done');
  expect(host.session.current).toBe(world);
  const last = live.at(-1)!;
  await expect(ui.steps(page).locator(`[data-step-index="${last.index}"]`)).toHaveAttribute('data-catalog-id', last.catalogId);
});

test('Reset while a request waits at the gate gives a fresh lab, and the next Step starts it, without an error', async ({ host, page }) => {
  await host.open(page);
  await ui.button(page, 'Step').click();
  await ui.waitUntilWaiting(page);
  for (const n of [2, 3]) {
    await ui.button(page, 'Step').click();
    await expect(count(page)).toHaveText(String(n));
  }
  await ui.waitUntilWaiting(page);
  // Looking at an earlier step while the next request waits at the gate.
  await ui.button(page, 'Back').click();
  await expect.poll(() => host.session.state().cursor).toBe(0);
  const ran = host.session.current;

  await ui.button(page, 'Reset').click();
  // Step at once, as a person would: it acts on the fresh lab (held at its first step), never on the closed one.
  await ui.button(page, 'Step').click();
  await ui.waitUntilWaiting(page);
  await expect(count(page)).toHaveText('1');
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(host.session.current).not.toBe(ran);
  expect(host.session.steps().map((s) => s.catalogId)).toEqual(['device.setup']);
  expect(host.session.state()).toMatchObject({ status: 'waiting', error: null });
});

test('Reset keeps the breakpoints; Clear removes them all', async ({ host, page }) => {
  await host.open(page);
  await ui.addBreakpoint(page, 'Party', 'orbit');
  await ui.button(page, 'Reset').click();
  await expect.poll(() => host.session.state().runId).not.toBe('run-1');
  await openBreakpoints(page);
  await expect(bpItems(page)).toHaveCount(1);
  await openBreakpoints(page);

  await ui.button(page, 'Run').click();
  await ui.waitUntilWaiting(page);
  expect(host.session.steps().find((s) => s.status === 'waiting')!.from).toBe('orbit');

  await openBreakpoints(page);
  await page.getByRole('button', { name: 'Clear all breakpoints' }).click();
  await expect(bpItems(page)).toHaveCount(0);
  expect(host.session.state().breakpoints).toEqual([]);
});

test('the first Step shows the lab starting, with the controls disabled, then waiting', async ({ host, page }) => {
  await host.open(page);
  // The page enables Step once it has the host's state; Playwright's click waits for that, so a watcher installed
  // before it would see the page's own idle:disabled -> idle:enabled, not the click's effect.
  await expect(page.locator('[data-status]').first()).toHaveAttribute('data-status', 'idle');
  await expect(ui.button(page, 'Step')).toBeEnabled();
  // Every status the header shows from the click on, with whether Step could be pressed then.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    const status = document.querySelector('[data-status]')!;
    const stepButton = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Step')!;
    const note = () => {
      const entry = `${status.getAttribute('data-status')}:${stepButton.disabled ? 'disabled' : 'enabled'}`;
      if (seen.at(-1) !== entry) seen.push(entry);
    };
    new MutationObserver(note).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-status', 'disabled'] });
  });
  await ui.button(page, 'Step').click();
  await ui.waitUntilWaiting(page);
  const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
  expect(seen[0]).toBe('starting:disabled');
  expect(seen).not.toContain('starting:enabled');
  expect(seen).not.toContain('idle:enabled');
  expect(seen.at(-1)).toBe('waiting:enabled');
});

test('the header shows waiting when the lab waits, even when the Step reply arrives after the event stream', async ({ host, page }) => {
  await host.open(page);
  await ui.button(page, 'Step').click();
  await ui.waitUntilWaiting(page);
  // Hold the reply to the next Step until the lab holds the step after it: the reply then says what the lab
  // was doing when it answered (running), which is older than what the event stream already told.
  await page.route('**/api/control', async (route) => {
    const reply = await route.fetch();
    const session = host.session;
    await until(() => session.state().status === 'waiting' && session.steps().length >= 2, session, 'event');
    await route.fulfill({ response: reply });
  });
  await ui.button(page, 'Step').click();
  await expect.poll(() => host.session.steps().length).toBe(2);
  await expect(count(page)).toHaveText('2');
  await expect(ui.status(page)).toHaveAttribute('data-status', 'waiting');
  await expect(page.getByTestId('waiting')).toBeVisible();
});

test('a prompt is counted when its step is sent, not while it waits at the gate', async ({ host, page }) => {
  await host.open(page);
  await page.getByLabel('Scenario', { exact: true }).selectOption('autopilot-no-eua');
  await openBreakpoints(page);
  await page.getByLabel('Breakpoint kind').selectOption({ label: 'Step kind' });
  await page.getByLabel('Breakpoint step kind').selectOption('orbit.sso-prompt');
  await page.getByRole('button', { name: 'Add breakpoint' }).click();
  await expect(bpItems(page)).toHaveCount(1);
  await openBreakpoints(page);
  await ui.button(page, 'Run').click();
  await ui.waitUntilWaiting(page);
  expect(host.session.steps().find((s) => s.status === 'waiting')!.catalogId).toBe('orbit.sso-prompt');
  await expect(page.getByTestId('prompts')).toHaveText('prompts 1');

  await ui.button(page, 'Step').click();
  await expect(page.getByTestId('prompts')).toHaveText('prompts 2');
  expect(host.session.steps().find((s) => s.catalogId === 'orbit.sso-prompt')!.prompt!.count).toBe(2);
});

test('after Back, the steps after the world are shown undone in the list and the diagram', async ({ host, page }) => {
  await host.open(page);
  await ui.runScenario(page, 'autopilot-eua');
  const head = host.session.state().head;
  await expect(ui.steps(page).locator('[data-undone]')).toHaveCount(0);
  await ui.button(page, 'Back').click();
  await ui.button(page, 'Back').click();
  await expect.poll(() => host.session.state().cursor).toBe(head - 2);

  const row = (i: number) => ui.steps(page).locator(`[data-step-index="${i}"]`);
  await expect(row(head)).toHaveAttribute('data-undone', 'true');
  await expect(row(head - 1)).toHaveAttribute('data-undone', 'true');
  await expect(row(head - 2)).not.toHaveAttribute('data-undone');
  await expect(ui.diagram(page).locator(`g.seq-step[data-step-index="${head}"]`)).toHaveAttribute('data-undone', 'true');
  await expect(ui.diagram(page).locator(`g.seq-step[data-step-index="${head - 2}"]`)).not.toHaveAttribute('data-undone');
  const opacity = await row(head).evaluate((el) => Number(getComputedStyle(el).opacity));
  expect(opacity).toBeLessThan(0.8);

  await ui.button(page, 'Step').click();
  await ui.button(page, 'Step').click();
  await expect(ui.steps(page).locator('[data-undone]')).toHaveCount(0);
});
