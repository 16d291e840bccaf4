// examples/vue-axios: a Vue 3 + axios app built by Vite with the package's plugin, its naive
// refresh-on-401 interceptor kept as the seed wrote it, against the real flask-jwt-extended app
// (rotation with reuse detection). Expiry under concurrent load in 3 tabs: one refresh at the
// server, every request succeeds, the interceptor never fires.
import { buildExample, loadDashboards, serveBuiltExample } from './example-builds.ts';
import type { Tab } from './engines/engine.ts';
import { can } from './engines/limits.ts';
import { expect, test } from './fixtures.ts';

test.use({ backendKind: 'flask', backendFiles: { 'examples/.keep': '' } });
// Building the app and starting flask take seconds each on a busy machine.
test.describe.configure({ timeout: 180_000 });

const TABS = 3;
const LOADS_PER_TAB = 2;
const REQUESTS_PER_LOAD = 20;

function interceptorRefreshes(tab: Tab): Promise<number> {
  return tab.evaluate(() => Number(document.getElementById('interceptor-refreshes')?.textContent));
}

test('vue-axios: 3 tabs load their dashboards after expiry: one refresh at flask, every request succeeds, the interceptor never fires', async ({ profile, backend }) => {
  serveBuiltExample(await buildExample('vue-axios'), backend.staticDir);
  await backend.control({ rotation: true, reuseDetection: true });
  const tabs: Tab[] = [];
  for (let i = 0; i < TABS; i += 1) {
    const tab = await profile.openTab(backend.url);
    await tab.waitForFunction(() => !!navigator.serviceWorker.controller && !!document.getElementById('dashboard'));
    tabs.push(tab);
  }
  // No config file: the plugin built it into the worker.
  expect((await backend.stats()).configRequests).toBe(0);
  await tabs[0]!.evaluate(() => document.getElementById('login')!.click());
  await tabs[0]!.waitForFunction(() => document.getElementById('user')?.textContent === 'vue-axios');
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const perTab = await loadDashboards(tabs, LOADS_PER_TAB);
  const byInterceptor = await Promise.all(tabs.map(interceptorRefreshes));
  const stats = await backend.stats();
  const succeeded = perTab.reduce((sum, tab) => sum + tab.succeeded, 0);
  const total = TABS * LOADS_PER_TAB * REQUESTS_PER_LOAD;
  console.log(`examples/vue-axios, ${profile.engine}, flask: ${TABS} tabs x ${LOADS_PER_TAB * REQUESTS_PER_LOAD} requests after expiry -> ` +
    `${stats.refreshRequests} refresh, ${stats.reuseDetected} reuse, ${succeeded}/${total} succeeded, ` +
    `interceptor refreshes ${byInterceptor.join('/')}, ${stats.api401} 401s on the wire`);
  for (const tab of perTab) expect(tab).toEqual({ loads: LOADS_PER_TAB, succeeded: LOADS_PER_TAB * REQUESTS_PER_LOAD, failed: 0 });
  expect(byInterceptor).toEqual(tabs.map(() => 0));
  expect(stats.api401Expired).toBeGreaterThan(0);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.reuseDetected).toBe(0);
  expect(stats.sessionsRevoked).toBe(0);
  // Every request the page made succeeded (above); the server counts each one where the engine
  // sends identical in-flight XHR GETs separately, and fewer where it merges them (WebKit).
  if (can(profile, 'separateIdenticalXhrGets')) expect(stats.apiSucceeded).toBe(total);
  else expect(stats.apiSucceeded).toBeLessThanOrEqual(total);
});
