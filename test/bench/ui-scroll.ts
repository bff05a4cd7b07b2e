/**
 * UI scroll benchmark (printed by `npm run bench`, never asserted in tests): an in-process host with 10,000 real
 * steps (Discovery probes from an outside client), the built UI in Debian's Chromium with the launch flags of
 * playwright.config.ts; scroll the step list and the sequence diagram top to bottom one frame at a time and report
 * the gaps between frames (median / p95 / max) and how many DOM nodes the page holds.
 * Needs the built UI: `npx vite build` first. Run alone with `tsx test/bench/ui-scroll.ts`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { Session } from '../../app/host/session.js';
import { startUiServer } from '../../app/api/server.js';
import { discoveryProbes } from '../helpers/discovery-probes.js';

const STEPS = 10_000;
const MOVES = 120;

/**
 * The same launch as the e2e tests (playwright.config.ts), with the frame-rate limit off: animation frames then come
 * as fast as the page can make them, so the gap between two is what a frame costs, not the 16.7 ms vsync period.
 */
const LAUNCH = {
  headless: true,
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-frame-rate-limit', '--disable-gpu-vsync'],
};

interface Scroll {
  median: number;
  p95: number;
  max: number;
  rows: number;
  nodes: number;
}

/** Scroll `selector` from top to bottom in MOVES equal moves, one per animation frame. */
function scroll(page: Page, selector: string, itemSelector: string): Promise<Scroll> {
  return page.evaluate(
    async ([sel, items, moves]) => {
      const el = document.querySelector(sel) as HTMLElement;
      el.scrollTop = 0;
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const gaps: number[] = [];
      let maxRows = 0;
      let maxNodes = 0;
      let last = performance.now();
      const step = (el.scrollHeight - el.clientHeight) / moves;
      for (let i = 0; i < moves; i++) {
        el.scrollTop += step;
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        const now = performance.now();
        gaps.push(now - last);
        last = now;
        maxRows = Math.max(maxRows, document.querySelectorAll(items).length);
        maxNodes = Math.max(maxNodes, document.getElementsByTagName('*').length);
      }
      gaps.sort((a, b) => a - b);
      const q = (p: number) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))]!;
      return { median: q(0.5), p95: q(0.95), max: gaps[gaps.length - 1]!, rows: maxRows, nodes: maxNodes };
    },
    [selector, itemSelector, MOVES] as const,
  );
}

const fmt = (s: Scroll, what: string) => `frame gaps median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms; at most ${s.rows} ${what} and ${s.nodes} DOM nodes in the page`;

/** The rows this benchmark adds to the table `npm run bench` prints, and its keys of `npm run bench -- --json`. */
export async function uiScrollBench(): Promise<{ rows: [string, string][]; json: Record<string, number | null> }> {
  const staticDir = join(process.cwd(), 'dist', 'renderer');
  const skipped = (why: string) => ({ rows: [['UI scroll (10,000 steps)', `skipped: ${why}`]] as [string, string][], json: { ui_first_render_ms: null, ui_scroll_p95_frame_ms: null } });
  if (!existsSync(join(staticDir, 'index.html'))) return skipped('build the UI first (npx vite build)');
  if (!existsSync(LAUNCH.executablePath)) return skipped(`no Chromium at ${LAUNCH.executablePath}`);
  const session = await Session.start();
  const ui = await startUiServer({ session, staticDir });
  const browser = await chromium.launch(LAUNCH);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // tsx names the arrow functions it compiles with a helper (__name) that the page does not have.
    await page.addInitScript('globalThis.__name = (f) => f');
    await page.goto(ui.openUrl);
    await page.locator('[data-app-state="loaded"]').waitFor();
    const t0 = performance.now();
    await discoveryProbes(session.current.mdm.url, STEPS);
    const sent = performance.now() - t0;
    await page.locator('.filter-bar .count').filter({ hasText: new RegExp(`^${STEPS}$`) }).waitFor({ timeout: 180_000 });
    const shown = performance.now() - t0;
    const list = await scroll(page, '.step-scroll', '.step-row');
    const diagram = await scroll(page, '.diagram-scroll', 'g.seq-step');
    // First render: a new window on a host that already holds the 10,000 steps, to the step list drawn with all of them.
    const fresh = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await fresh.addInitScript('globalThis.__name = (f) => f');
    const t1 = performance.now();
    await fresh.goto(ui.openUrl);
    await fresh.locator('.filter-bar .count').filter({ hasText: new RegExp(`^${STEPS}$`) }).waitFor({ timeout: 60_000 });
    await fresh.locator('.step-row').first().waitFor();
    const firstRender = performance.now() - t1;
    return {
      rows: [
        [`UI: ${STEPS} real steps recorded, then on screen`, `sent in ${(sent / 1000).toFixed(1)} s, all in the list after ${(shown / 1000).toFixed(1)} s`],
        [`UI: first render of a ${STEPS}-step run (new window)`, `${firstRender.toFixed(0)} ms`],
        [`UI: scroll the step list (${MOVES} moves, one per frame)`, fmt(list, 'rows')],
        [`UI: scroll the sequence diagram (${MOVES} moves)`, fmt(diagram, 'arrows')],
      ],
      json: { ui_first_render_ms: Math.round(firstRender), ui_scroll_p95_frame_ms: Math.round(Math.max(list.p95, diagram.p95) * 10) / 10, ui_dom_nodes_max: Math.max(list.nodes, diagram.nodes) },
    };
  } finally {
    await browser.close();
    await ui.close();
    await session.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [k, v] of (await uiScrollBench()).rows) console.log(`  ${k}  ${v}`);
}
