// The seed's front end as it is: axios with the classic refresh-on-401 interceptor (the Stack
// Overflow answer), plus the page's own call to the refresh endpoint, against the real
// flask-jwt-extended with rotation and reuse detection. With the broker the interceptor stays
// dormant (no 401 reaches it) and the page's own refresh does not confuse the broker.
import { readFileSync } from 'node:fs';
import type { Tab } from './engines/engine.ts';
import { count, expect, logIn, openControlledTab, openTab, test } from './fixtures.ts';

// Against the real flask-jwt-extended app (tests/flask), not the demo server's imitation of it.
test.use({ backendKind: 'flask' });

// Starting the real flask app takes seconds (python imports), and on a busy machine a scenario
// in Firefox (a browser per profile) can take most of the default 60 s before that.
test.describe.configure({ timeout: 120_000 });

const TABS = 3;
const REQUESTS_PER_TAB = 20;

function interceptorPage(withBroker: boolean): string {
  return `<!doctype html><html><head><meta charset="utf-8">
<script type="importmap">{"imports":{"axios":"/vendor-axios.js"}}</script>
${withBroker ? '<script src="/token-broker-register.js" data-config="/token-broker.json"></script>' : ''}
<script type="module">
import axios from 'axios';

// axios sets X-CSRF-TOKEN from the cookie itself, as flask-jwt-extended's docs suggest.
const http = axios.create({ xsrfCookieName: 'csrf_access_token', xsrfHeaderName: 'X-CSRF-TOKEN' });
window.refreshesByInterceptor = 0;
const refresh = () => http.post('/token/refresh', null, { xsrfCookieName: 'csrf_refresh_token', _retry: true });
http.interceptors.response.use((response) => response, async (error) => {
  const original = error.config;
  if (error.response?.status === 401 && original && !original._retry) {
    original._retry = true;
    window.refreshesByInterceptor += 1;
    await refresh();
    return http(original);
  }
  return Promise.reject(error);
});
const statusOf = (promise) => promise.then((response) => response.status, (error) => error.response?.status ?? 0);
window.ownRefresh = () => statusOf(refresh());
// Every GET has a URL of its own: WebKit sends identical XHR GETs that are in flight at once in
// one page as one request (before any worker sees them), and each request here must be counted
// at the server.
const pageId = Math.random().toString(36).slice(2);
window.interceptorBurst = (n) => Promise.all(Array.from({ length: n }, (_, i) =>
  statusOf(i % 2 === 0 ? http.get('/api/items?n=' + (i % 5) + '&request=' + pageId + '-' + i) : http.post('/api/echo', { i, note: 'must survive a retry' }))));
window.pageReady = true;
</script></head><body><p>the seed's axios interceptor</p></body></html>`;
}

test.use({
  backendFiles: {
    'vendor-axios.js': readFileSync('node_modules/axios/dist/esm/axios.min.js', 'utf8'),
    'interceptor.html': interceptorPage(true),
    'interceptor-no-broker.html': interceptorPage(false),
  },
});

async function untilPageReady(tab: Tab): Promise<Tab> {
  await tab.waitForFunction(() => (window as unknown as { pageReady?: boolean }).pageReady === true);
  return tab;
}

function burst(tab: Tab): Promise<number[]> {
  return tab.evaluate((n) => (window as unknown as { interceptorBurst(n: number): Promise<number[]> }).interceptorBurst(n), REQUESTS_PER_TAB);
}

function refreshesByInterceptor(tab: Tab): Promise<number> {
  return tab.evaluate(() => (window as unknown as { refreshesByInterceptor: number }).refreshesByInterceptor);
}

test('real flask: the page\'s own refresh call, then an expiry under the axios interceptor: one broker refresh, the interceptor never fires, no reuse', async ({ profile, backend }) => {
  await backend.control({ rotation: true, reuseDetection: true });
  const tabs: Tab[] = [];
  for (let i = 0; i < TABS; i += 1) tabs.push(await untilPageReady(await openControlledTab(profile, backend, 'interceptor.html')));
  await logIn(tabs[0]!);

  // The page refreshes on its own (not brokered): flask rotates the refresh token.
  expect(await tabs[0]!.evaluate(() => (window as unknown as { ownRefresh(): Promise<number> }).ownRefresh())).toBe(200);
  expect(await backend.stats()).toMatchObject({ refreshRequests: 1, refreshSucceeded: 1 });

  await backend.expireAccessTokens();
  await backend.resetCounters();
  const statuses = (await Promise.all(tabs.map(burst))).flat();
  const stats = await backend.stats();

  expect(count(statuses, 200)).toBe(TABS * REQUESTS_PER_TAB);
  for (const tab of tabs) expect(await refreshesByInterceptor(tab)).toBe(0);
  expect(stats.api401Expired).toBeGreaterThan(0);
  // The broker refreshed with the refresh token the page's own call rotated in: not a reuse.
  expect(stats.refreshRequests).toBe(1);
  expect(stats.reuseDetected).toBe(0);
  expect(stats.sessionsRevoked).toBe(0);
  expect(stats.apiSucceeded).toBe(TABS * REQUESTS_PER_TAB);
});

test('real flask, the same interceptor without the broker: it refreshes many times, and reuse detection may end the session', async ({ engine, backend }) => {
  await backend.control({ rotation: true, reuseDetection: true });
  const profile = await engine.newProfile({ serviceWorkers: false });
  try {
    // One tab is enough to show it: every concurrent 401 starts its own refresh.
    const tab = await untilPageReady(await openTab(profile, backend, 'interceptor-no-broker.html'));
    await logIn(tab);
    await backend.expireAccessTokens();
    await backend.resetCounters();

    const statuses = await burst(tab);
    const stats = await backend.stats();
    const interceptorRefreshes = await refreshesByInterceptor(tab);
    console.log(`axios interceptor without the broker, real flask: ${stats.refreshRequests} refreshes, ${stats.reuseDetected} reuse, ` +
      `${stats.sessionsRevoked} sessions revoked, ${count(statuses, 200)}/${statuses.length} succeeded`);
    expect(interceptorRefreshes).toBeGreaterThan(1);
    expect(stats.refreshRequests).toBe(interceptorRefreshes);
  } finally {
    await profile.close();
  }
});
