import type { Locator, Page } from '@playwright/test';
import { test, expect, screenshotPath } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { PHASES, stepKind, type PhaseId, type StepKindId } from '../../emulators/protocols/steps.js';
import { stepRowMatching } from './step-rows.js';

// 150 % zoom on a 1280×720 screen: 853×480 CSS px drawn at a device scale factor of 1.5.
test.use({ viewport: { width: 853, height: 480 }, deviceScaleFactor: 1.5 });

/**
 * The phases of autopilot-no-eua as the step catalog cuts them (PHASES and each entry's `phase`; TPM steps and the
 * JWKS fetch have none and stay in the phase before them): [index of the band's first step, its catalog id, phase].
 */
const BANDS: ReadonlyArray<readonly [number, StepKindId, PhaseId]> = [
  [0, 'device.setup', 'setup'],
  [1, 'entra.authorize', 'signin'],
  [7, 'drs.discover', 'join'],
  [14, 'prt.nonce', 'prt'],
  [24, 'mde2.discovery-probe', 'enroll'],
  [32, 'omadm.message', 'omadm'],
  [39, 'msi.download', 'msi'],
  [41, 'orbit.start', 'orbit'],
  [43, 'orbit.sso-prompt', 'reprompt'],
  [49, 'orbit.enroll', 'orbit'],
  [54, 'omadm.message', 'omadm'],
];

const selectedRow = (page: Page) => ui.steps(page).locator('[aria-current="true"]');
const listHead = (page: Page, first: number) => page.locator(`.step-list .phase-head[data-first-step="${first}"]`);
const diagramHead = (page: Page, first: number) => page.locator(`g.phase-head[data-first-step="${first}"]`);
const caption = (page: Page) => page.getByRole('complementary', { name: 'Step caption' });

/** The selection is the band's first step, and the list, the diagram and the caption all show that band. */
async function expectAtBand(page: Page, [first, catalogId, phase]: (typeof BANDS)[number]): Promise<void> {
  const label = PHASES[phase];
  await expect(selectedRow(page)).toHaveAttribute('data-step-index', String(first));
  await expect(selectedRow(page)).toHaveAttribute('data-catalog-id', catalogId);
  await expect(selectedRow(page)).toBeInViewport();
  await expect(listHead(page, first)).toHaveText(label, { ignoreCase: true });
  await expect(listHead(page, first)).toHaveAttribute('data-phase', phase);
  await expect(listHead(page, first)).toBeInViewport();
  await expect(diagramHead(page, first)).toHaveAttribute('data-phase', phase);
  await expect(diagramHead(page, first).locator('text')).toHaveText(label);
  await expect(ui.arrows(page).and(page.locator(`[data-step-index="${first}"]`))).toBeInViewport();
  const kind = stepKind(catalogId);
  await expect(caption(page)).toHaveAttribute('data-catalog-id', catalogId);
  await expect(caption(page)).toContainText(label);
  await expect(caption(page)).toContainText(kind.summary);
  await expect(caption(page).getByRole('link')).toHaveAttribute('href', kind.spec.url);
}

const box = async (l: Locator) => (await l.boundingBox())!;

async function expectInsideViewport(page: Page, l: Locator, what: string): Promise<void> {
  const b = await box(l);
  const vp = page.viewportSize()!;
  expect(b.x, `${what} left`).toBeGreaterThanOrEqual(0);
  expect(b.y, `${what} top`).toBeGreaterThanOrEqual(0);
  expect(b.x + b.width, `${what} right`).toBeLessThanOrEqual(vp.width + 0.5);
  expect(b.y + b.height, `${what} bottom`).toBeLessThanOrEqual(vp.height + 0.5);
}

test('presenter mode at 150 % zoom on 1280×720: phase bands, the guided walk, the caption, every pane reachable', async ({ host, page }) => {
  await host.open(page);
  await ui.runScenario(page, 'autopilot-no-eua');
  await expect(ui.steps(page).getByRole('listitem').first()).toBeVisible();
  const fontSize = () => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  const arrowWidth = () => page.locator('g.seq-step:not(.selected) line.arrow').first().evaluate((el) => parseFloat(getComputedStyle(el).strokeWidth));
  const before = { font: await fontSize(), arrow: await arrowWidth() };

  await page.getByRole('button', { name: 'Present' }).click();
  await expect(page.getByRole('button', { name: 'Present' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-presenter', 'on');
  // Large text and thicker arrows.
  expect(await fontSize()).toBeGreaterThan(before.font);
  expect(await arrowWidth()).toBeGreaterThan(before.arrow);

  // From the first step, ] goes one band at a time to the end.
  await page.keyboard.press('g');
  await expectAtBand(page, BANDS[0]!);
  for (const band of BANDS.slice(1)) {
    await page.keyboard.press(']');
    await expectAtBand(page, band);
  }
  await page.keyboard.press(']'); // the last band: stays
  await expectAtBand(page, BANDS[BANDS.length - 1]!);
  // [ goes back a band at a time, also from the middle of a band.
  await page.keyboard.press('[');
  await expectAtBand(page, BANDS[9]!);
  await page.keyboard.press('j'); // step 51, inside the second orbit band
  await page.keyboard.press('j');
  await expect(selectedRow(page)).toHaveAttribute('data-step-index', '51');
  await page.keyboard.press('[');
  await expectAtBand(page, BANDS[8]!);
  await page.keyboard.press('[');
  await expectAtBand(page, BANDS[7]!);
  // Turning presenter mode off and on changes every row's height; the selected step stays in view.
  for (const on of [false, true]) {
    await page.keyboard.press('p');
    if (on) await expect(page.locator('html')).toHaveAttribute('data-presenter', 'on');
    else await expect(page.locator('html')).not.toHaveAttribute('data-presenter', 'on');
    await expect(selectedRow(page)).toBeInViewport();
    await expect(ui.arrows(page).and(page.locator(`[data-step-index="${BANDS[7]![0]}"]`))).toBeInViewport();
  }

  // The lane heads do not overlap and stay inside the diagram.
  const heads = page.locator('.lane-head');
  await expect(heads).toHaveCount(6);
  const diagramBox = await box(page.getByRole('region', { name: 'Diagram' }));
  const boxes = await Promise.all((await heads.all()).map(async (h) => ({ party: await h.getAttribute('data-party'), ...(await box(h)) })));
  for (const [i, a] of boxes.entries()) {
    expect(a.x, `${a.party} inside the diagram`).toBeGreaterThanOrEqual(diagramBox.x);
    expect(a.x + a.width, `${a.party} inside the diagram`).toBeLessThanOrEqual(diagramBox.x + diagramBox.width + 0.5);
    for (const b of boxes.slice(i + 1)) {
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      expect(apart, `${a.party} and ${b.party} overlap`).toBe(true);
    }
    // The name is not cut: the text fits its box.
    const cut = await heads.nth(i).evaluate((el) => el.scrollWidth > el.clientWidth);
    expect(cut, `${a.party} head cut`).toBe(false);
  }

  // The clock is fully visible, and nothing runs off the window sideways.
  await expectInsideViewport(page, page.getByLabel('Lab time'), 'the clock');
  await expect(page.getByLabel('Lab time')).toHaveText(/^\d\d:\d\d:\d\d/);
  await expectInsideViewport(page, page.locator('details.advance > summary'), 'Advance by…');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(853);
  expect(await page.locator('.topbar').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

  // The inspector is on screen and scrolls to its end: the orbit enroll's request, headers and body.
  await (await stepRowMatching(page, '[data-catalog-id="orbit.enroll"]')).click();
  await ui.tab(page, 'Request').click();
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await expectInsideViewport(page, inspector, 'the inspector');
  const panel = inspector.getByRole('tabpanel');
  await expect(panel.locator('.cm-editor').first()).toBeVisible();
  const sizes = await panel.evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
  expect(sizes.scroll, 'the request is taller than the panel (the test must scroll)').toBeGreaterThan(sizes.client);
  await panel.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect.poll(() => panel.evaluate((el) => Math.ceil(el.scrollTop + el.clientHeight) >= el.scrollHeight)).toBe(true);
  const last = panel.locator(':scope > *').last();
  await expect(last).toBeInViewport();
  const lastBox = await box(last);
  expect(lastBox.y + lastBox.height).toBeLessThanOrEqual((await box(panel)).y + (await box(panel)).height + 1);
  await expectInsideViewport(page, panel, 'the inspector panel');

  await (await stepRowMatching(page, '[data-catalog-id="orbit.sso-prompt"]')).click();
  await panel.evaluate((el) => el.scrollTo(0, 0));
  await page.screenshot({ path: screenshotPath('presenter-150.png') });

  // Presenter mode is kept across a reload, and p turns it off.
  await page.reload();
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-presenter', 'on');
  await page.keyboard.press('p');
  await expect(page.locator('html')).not.toHaveAttribute('data-presenter', 'on');
  await expect(caption(page)).toHaveCount(0);
});
