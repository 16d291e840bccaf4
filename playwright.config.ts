import { defineConfig } from '@playwright/test';
import type { EngineName } from './tests/e2e/engines/engine.ts';
import { findFirefox } from './tests/e2e/engines/firefox.ts';
import { findWebKit } from './tests/e2e/engines/webkit-processes.ts';

// Every scenario file in tests/e2e runs once per engine (a project each). An engine that is not
// installed is left out here, with one line saying so; in CI (CI set) it stays in, and its tests
// fail: a missing browser is a failure there, never a silent skip.
const firefoxInstalled = findFirefox() !== undefined;
if (!firefoxInstalled && !process.env.CI) {
  console.log('playwright: Firefox is not installed (apt-get install firefox-esr, or set FIREFOX_PATH): its project is left out');
}
// WebKit (WebKitGTK's MiniBrowser over WebDriver on Xvfb) likewise: in whenever it is installed,
// and always in CI.
const webkitInstalled = findWebKit() !== undefined;
if (!webkitInstalled && !process.env.CI) {
  console.log('playwright: WebKit is not installed (apt-get install --no-install-recommends webkit2gtk-driver xvfb xauth, or set MINIBROWSER_PATH): its project is left out');
}

export default defineConfig<object, { engineName: EngineName }>({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  fullyParallel: false,
  workers: 2,
  reporter: [['list']],
  projects: [
    { name: 'chromium', use: { engineName: 'chromium' as const } },
    ...(firefoxInstalled || process.env.CI ? [{ name: 'firefox', use: { engineName: 'firefox' as const } }] : []),
    // WebKitWebDriver takes seconds to make each tab current the first time (a web process each),
    // about 5 s on a loaded 2-core machine: five tabs alone would eat most of a minute.
    ...(webkitInstalled || process.env.CI ? [{ name: 'webkit', timeout: 180_000, use: { engineName: 'webkit' as const } }] : []),
  ],
});
