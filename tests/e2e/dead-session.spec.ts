import { adopterPage, count, expect, fireBurst, listenToBroker, logIn, openControlledTab, test } from './fixtures.ts';

const REFRESH_TIMEOUT_MS = 1_500;

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
  const bodies = await tabs[0]!.evaluate(async () => (await fetch('/api/items')).json());

  expect(count(statuses, 401)).toBe(20);
  expect(bodies).toEqual({ msg: 'Token has expired' });
  const stats = await backend.stats();
  expect(stats.refreshRequests).toBe(1);
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
  expect((await backend.stats()).refreshRequests).toBe(1);
  await expect.poll(heard).toEqual([{ type: 'refresh-failed', reason: 'status 500' }]);
});

test('a refresh that never answers ends every request with its 401 within the timeout', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend, 'short-timeout.html');
  await logIn(tab);
  const heard = await listenToBroker(tab);
  await backend.control({ refreshBehavior: 'hang' });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const started = Date.now();
  const statuses = await fireBurst(tab, 10);
  const elapsedMs = Date.now() - started;

  expect(count(statuses, 401)).toBe(10);
  // Bounded by the refresh timeout, with generous room for a loaded machine.
  expect(elapsedMs).toBeLessThan(REFRESH_TIMEOUT_MS + 5_000);
  expect((await backend.stats()).refreshRequests).toBe(1);
  await expect.poll(heard).toEqual([{ type: 'refresh-failed', reason: 'timeout' }]);
  console.log(`refresh never answering: 10 requests ended with 401 after ${elapsedMs} ms (timeout ${REFRESH_TIMEOUT_MS} ms)`);
});
