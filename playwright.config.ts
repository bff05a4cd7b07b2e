import { defineConfig } from '@playwright/test';

// UI tests drive the real UI in Debian's Chromium; each test file starts its own host on free ports
// (test/helpers/e2e-host.ts), so tests never share a port, a data folder or a run. Only *.spec.ts files are tests.
export default defineConfig({
  testDir: './test/e2e',
  testMatch: '*.spec.ts',
  workers: 1,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
