// When the real flask-jwt-extended refuses the refresh (its refresh token has expired: the
// library's own 401) or the refresh fails (flask's own 500 page, or no answer at all), every
// request ends with its original 401, nothing is replayed, and the tabs hear why.
import { adopterPage } from './demo-server.ts';
import { count, expect, fireBurst, listenToBroker, logIn, openControlledTab, test } from './fixtures.ts';

// Against the real flask-jwt-extended app (tests/flask), not the demo server's imitation of it.
test.use({ backendKind: 'flask' });

// Starting the real flask app takes seconds (python imports), and on a busy machine a scenario
// in Firefox (a browser per profile) can take most of the default 60 s before that.
test.describe.configure({ timeout: 120_000 });

const REFRESH_TIMEOUT_MS = 1_500;
const REQUESTS = 10;

test.use({
  backendFiles: {
    'short-timeout.json': JSON.stringify({
      preset: 'flask-jwt-extended',
      api: ['/api/'],
      refresh: { url: '/token/refresh' },
      refreshTimeoutMs: REFRESH_TIMEOUT_MS,
    }),
    'short-timeout.html': adopterPage('/short-timeout.json'),
  },
});

test('real flask refuses the refresh (expired refresh token): every request gets its original 401, tabs hear session-expired', async ({ profile, backend }) => {
  // A refresh token that lives 60 s: the expiry moves flask's clock 600 s on, past both tokens.
  await backend.control({ refreshTtlSeconds: 60 });
  const tabs = [await openControlledTab(profile, backend, 'short-timeout.html'), await openControlledTab(profile, backend, 'short-timeout.html')];
  await logIn(tabs[0]!);
  const heard = await Promise.all(tabs.map((tab) => listenToBroker(tab)));
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const statuses = (await Promise.all(tabs.map((tab) => fireBurst(tab, REQUESTS)))).flat();
  const body = await tabs[0]!.evaluate(async () => (await fetch('/api/items')).json());

  expect(count(statuses, 401)).toBe(2 * REQUESTS);
  expect(body).toEqual({ msg: 'Token has expired' });
  const stats = await backend.stats();
  expect(stats.refreshRequests).toBe(1);
  expect(stats.refreshRefused).toBe(1);
  // No replay after a refused refresh: each request reached flask once (the last fetch included).
  expect(stats.apiRequests).toBe(2 * REQUESTS + 1);
  expect(stats.apiSucceeded).toBe(0);
  for (const messages of heard) await expect.poll(messages).toEqual([{ type: 'session-expired' }]);
});

test('real flask answers the refresh with its own 500 page: every request ends with its 401, the tab hears refresh-failed', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend, 'short-timeout.html');
  await logIn(tab);
  const heard = await listenToBroker(tab);
  await backend.control({ refreshBehavior: 'error-500' });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const statuses = await fireBurst(tab, REQUESTS);

  expect(count(statuses, 401)).toBe(REQUESTS);
  const stats = await backend.stats();
  expect(stats.refreshRequests).toBe(1);
  expect(stats.apiRequests).toBe(REQUESTS);
  await expect.poll(heard).toEqual([{ type: 'refresh-failed', reason: 'status 500' }]);
});

test('a refresh whose answer never comes (flask drops the connection) ends every request with its 401 within the timeout', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend, 'short-timeout.html');
  await logIn(tab);
  const heard = await listenToBroker(tab);
  await backend.control({ refreshBehavior: 'hang' });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const started = Date.now();
  const statuses = await fireBurst(tab, REQUESTS);
  const elapsedMs = Date.now() - started;

  expect(count(statuses, 401)).toBe(REQUESTS);
  // Bounded generously (a shared, noisy machine): the refresh timeout plus a few seconds.
  expect(elapsedMs).toBeLessThan(REFRESH_TIMEOUT_MS + 5_000);
  const stats = await backend.stats();
  expect(stats.refreshRequests).toBe(1);
  expect(stats.refreshSucceeded).toBe(0);
  expect(stats.apiRequests).toBe(REQUESTS);
  await expect.poll(heard).toEqual([{ type: 'refresh-failed', reason: expect.any(String) }]);
});
