import { adopterPage, count, expect, fireBurst, listenToBroker, logIn, openControlledTab, test } from './fixtures.ts';
import { lastBurstMsInPage } from '../shared/naive-page.ts';
import { settledWithin } from './time-bounds.ts';

const REFRESH_TIMEOUT_MS = 1_500;
/** Room for a loaded machine (2 shared cores) between the refresh timeout and the last request's end. */
const MARGIN_MS = 2_500;

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

test('a refused refresh gives every request its original 401 and every tab hears session-expired', async ({ profile, backend }) => {
  const tabs = [await openControlledTab(profile, backend, 'short-timeout.html'), await openControlledTab(profile, backend, 'short-timeout.html')];
  await logIn(tabs[0]!);
  const heard = await Promise.all(tabs.map((tab) => listenToBroker(tab)));
  await backend.control({ refreshBehavior: 'refuse-401' });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const statuses = (await Promise.all(tabs.map((tab) => fireBurst(tab, 10)))).flat();

  expect(count(statuses, 401)).toBe(20);
  // Each request went out once, met its 401, and was never replayed: nothing came back with new
  // credentials, so a replay could only have met another 401.
  const stats = await backend.stats();
  expect(stats.apiRequests).toBe(20);
  expect(stats.api401Expired).toBe(20);
  expect(stats.apiSucceeded).toBe(0);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.refreshRefused).toBe(1);
  // The page reads the server's own answer.
  const bodies = await tabs[0]!.evaluate(async () => (await fetch('/api/items')).json());
  expect(bodies).toEqual({ msg: 'Token has expired' });
  for (const messages of heard) {
    await expect.poll(messages).toEqual([{ type: 'session-expired' }]);
  }
});

test('a refresh answered 5xx ends every request with its 401 and tells the tabs refresh-failed', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend, 'short-timeout.html');
  await logIn(tab);
  const heard = await listenToBroker(tab);
  await backend.control({ refreshBehavior: 'error-500' });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const statuses = await fireBurst(tab, 10);

  expect(count(statuses, 401)).toBe(10);
  const stats = await backend.stats();
  expect(stats.apiRequests).toBe(10);
  expect(stats.api401Expired).toBe(10);
  expect(stats.apiSucceeded).toBe(0);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.refreshRefused).toBe(0);
  await expect.poll(heard).toEqual([{ type: 'refresh-failed', reason: 'status 500' }]);
});

test('a refresh that never answers ends every request with its 401 at the refresh timeout: not before it, and at most 2.5 s after', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend, 'short-timeout.html');
  await logIn(tab);
  const heard = await listenToBroker(tab);
  await backend.control({ refreshBehavior: 'hang' });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  // Bounded from here too, in case the page itself never answers; the driver's overhead (1 to 2 s
  // on a loaded machine, measured here) is why the bound on the page's own time is the tight one.
  const statuses = await settledWithin(fireBurst(tab, 10), REFRESH_TIMEOUT_MS + 2 * MARGIN_MS, 'the burst');
  const elapsedMs = await tab.evaluate(lastBurstMsInPage);

  expect(count(statuses, 401)).toBe(10);
  // Measured in the page: the worker waited for the refresh as long as it was told to (the timeout
  // starts after the first 401 came back, so the burst cannot end sooner), and not much longer.
  expect(elapsedMs).toBeGreaterThanOrEqual(REFRESH_TIMEOUT_MS);
  expect(elapsedMs).toBeLessThan(REFRESH_TIMEOUT_MS + MARGIN_MS);
  const stats = await backend.stats();
  expect(stats.apiRequests).toBe(10);
  expect(stats.api401Expired).toBe(10);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.refreshSucceeded).toBe(0);
  await expect.poll(heard).toEqual([{ type: 'refresh-failed', reason: 'timeout' }]);
  console.log(`refresh never answering: 10 requests ended with 401 after ${elapsedMs} ms (timeout ${REFRESH_TIMEOUT_MS} ms)`);
});
