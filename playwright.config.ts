import { defineConfig } from '@playwright/test';
import { findChromium } from './scripts/find-chromium.mjs';

// Debian's Chromium when there is one (Playwright's own download does not work everywhere);
// otherwise Playwright's default browser.
const executablePath = findChromium();

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  fullyParallel: false,
  workers: 2,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath,
      args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
});
