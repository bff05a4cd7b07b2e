import { test as base, expect, type Page } from '@playwright/test';
import { join } from 'node:path';
import { Session } from '../../app/host/session.js';
import { startUiServer, type UiServer } from '../../app/api/server.js';

export interface Host {
  session: Session;
  ui: UiServer;
  /** Open the UI (with its token) and wait until it has loaded. */
  open(page: Page): Promise<void>;
}

/** Each test gets its own host: a fresh session on free ports, serving the built UI (dist/renderer). */
export const test = base.extend<{ host: Host }>({
  host: async ({}, use) => {
    const session = await Session.start();
    const ui = await startUiServer({ session, staticDir: join(process.cwd(), 'dist', 'renderer') });
    await use({
      session,
      ui,
      open: async (page) => {
        await page.goto(ui.openUrl);
        await expect(page.locator('[data-app-state="loaded"]')).toBeVisible();
      },
    });
    await ui.close();
    await session.close();
  },
});

export { expect };

/**
 * Where a screenshot goes: docs/screenshots/ (the README's pictures) only when they are being refreshed on purpose
 * (`npm run screenshots`), otherwise test-results/, so that a test run leaves the working tree clean.
 */
export function screenshotPath(name: string): string {
  return process.env.UPDATE_SCREENSHOTS === '1' ? join('docs', 'screenshots', name) : join('test-results', 'screenshots', name);
}
