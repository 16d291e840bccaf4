// examples/pwa: an app that already has a vite-plugin-pwa injectManifest worker with precaching,
// with the broker composed into it through token-broker/worker. Expiry under concurrent load in
// 3 tabs: one refresh, every request succeeds; and precaching still works: with the server down
// the page and its script load from the precache.
import { buildExample, loadDashboards, serveBuiltExample } from './example-builds.ts';
import type { Tab } from './engines/engine.ts';
import { expect, logIn, test } from './fixtures.ts';

test.use({ backendFiles: { 'examples/.keep': '' } });
test.describe.configure({ timeout: 180_000 });

const TABS = 3;
const LOADS_PER_TAB = 2;
const REQUESTS_PER_LOAD = 20;

test('pwa: one worker precaches and brokers: 3 tabs after expiry, one refresh, every request succeeds; with the server down the app loads from the precache', async ({ profile, backend }) => {
  // The build, as the adopter's; the register script (data-register="off": it only answers the
  // worker's cookie questions) is already at the served root, as the adopter copies it there.
  serveBuiltExample(await buildExample('pwa'), backend.staticDir);
  await backend.control({ rotation: true, reuseDetection: true });
  const tabs: Tab[] = [];
  for (let i = 0; i < TABS; i += 1) {
    const tab = await profile.openTab(backend.url);
    await tab.waitForFunction(() => navigator.serviceWorker.controller?.scriptURL.endsWith('/sw.js') === true && document.getElementById('status')?.textContent === 'ready');
    tabs.push(tab);
  }
  await logIn(tabs[0]!);
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const perTab = await loadDashboards(tabs, LOADS_PER_TAB);
  const stats = await backend.stats();
  const total = TABS * LOADS_PER_TAB * REQUESTS_PER_LOAD;
  const succeeded = perTab.reduce((sum, tab) => sum + tab.succeeded, 0);
  console.log(`examples/pwa, ${profile.engine}: ${TABS} tabs x ${LOADS_PER_TAB * REQUESTS_PER_LOAD} requests after expiry -> ` +
    `${stats.refreshRequests} refresh, ${stats.reuseDetected} reuse, ${succeeded}/${total} succeeded, ${stats.api401} 401s on the wire`);
  for (const tab of perTab) expect(tab).toEqual({ loads: LOADS_PER_TAB, succeeded: LOADS_PER_TAB * REQUESTS_PER_LOAD, failed: 0 });
  expect(stats.api401Expired).toBeGreaterThan(0);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.reuseDetected).toBe(0);
  expect(stats.apiSucceeded).toBe(total);

  // Precaching: the server goes away; a new navigation is answered from the precache, the app's
  // script included (it writes "ready"), and the API, not precached, fails as it would.
  const url = backend.url;
  await backend.close();
  const offline = tabs[1]!;
  await offline.goto(url);
  await offline.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  expect(await offline.evaluate(() => document.querySelector('h1')?.textContent)).toBe('Orders');
  expect(await offline.evaluate(() => fetch('/api/items').then((r) => r.status, () => 0))).toBe(0);
});
