// token-broker/worker inside a worker of the app's own, loaded the classic way
// (importScripts('/token-broker-worker.classic.js')), installed first as the README says, with the
// app's own catch-all fetch listener after it (every request through the network, as a
// NetworkFirst catch-all route does): the broker answers the API's requests and stops them there,
// everything else still reaches the app's listener. The page registers the app's worker itself; the register script only answers
// the worker's cookie questions (data-register="off").
import { count, expect, fireBurst, logIn, openControlledTabs, test } from './fixtures.ts';

const APP_WORKER = `
importScripts('/token-broker-worker.classic.js');
self.TokenBroker.installTokenBroker({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } });
// The app's own catch-all: every request through the network, and one route of its own.
self.addEventListener('fetch', (event) => {
  if (new URL(event.request.url).pathname === '/__app-route') {
    event.respondWith(new Response('answered by the app\\'s own listener'));
    return;
  }
  event.respondWith(fetch(event.request));
});
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
`;

const PAGE = `<!doctype html><html><head><meta charset="utf-8">
<script src="/token-broker-register.js" data-register="off"></script>
<script>navigator.serviceWorker.register('/app-sw.js');</script>
</head><body><p>an app with its own worker</p></body></html>`;

test.describe.configure({ timeout: 120_000 });
test.use({ backendFiles: { 'app-sw.js': APP_WORKER, 'own-worker.html': PAGE } });

const TABS = 2;
const REQUESTS_PER_TAB = 10;

test('the broker inside the app\'s own classic worker, installed before the app\'s catch-all listener, takes the API\'s requests: one refresh, every request succeeds', async ({ profile, backend }) => {
  await backend.control({ rotation: true, reuseDetection: true });
  const tabs = await openControlledTabs(profile, backend, TABS, 'own-worker.html');
  // The tabs are controlled by the app's worker, and its own listener still answers its own route.
  for (const tab of tabs) {
    expect(await tab.evaluate(() => new URL(navigator.serviceWorker.controller!.scriptURL).pathname)).toBe('/app-sw.js');
    expect(await tab.evaluate(async () => (await fetch('/__app-route')).text())).toBe('answered by the app\'s own listener');
  }
  await logIn(tabs[0]!);
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const statuses = (await Promise.all(tabs.map((tab) => fireBurst(tab, REQUESTS_PER_TAB)))).flat();
  const stats = await backend.stats();
  console.log(`importScripts worker, ${profile.engine}: ${stats.refreshRequests} refresh, ${count(statuses, 200)}/${statuses.length} succeeded, ${stats.api401} 401s on the wire`);
  expect(stats.api401Expired).toBeGreaterThan(0);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.refreshSucceeded).toBe(1);
  expect(stats.reuseDetected).toBe(0);
  expect(count(statuses, 200)).toBe(TABS * REQUESTS_PER_TAB);
  expect(stats.apiSucceeded).toBe(TABS * REQUESTS_PER_TAB);
});
