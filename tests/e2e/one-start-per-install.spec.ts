// The broker starts once per worker: at first install the config is fetched once and one broker
// (one refresh coordinator, one send window) serves every request. Before, the worker's
// top-level start and its install handler each fetched the config and built a broker, the later
// one replacing the first.
import { adopterPage, expect, logIn, openControlledTab, test } from './fixtures.ts';

const MAX_CONCURRENT_REQUESTS = 3;
const BURST = 12;

test.use({
  backendFiles: {
    'one-start.json': JSON.stringify({
      preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, maxConcurrentRequests: MAX_CONCURRENT_REQUESTS,
    }),
    'one-start.html': adopterPage('/one-start.json'),
  },
});

test('at first install the config is fetched once, and a burst meets one broker: one refresh, one send window', async ({ profile, backend }) => {
  await backend.resetCounters();
  const tab = await openControlledTab(profile, backend, 'one-start.html');
  await logIn(tab);
  await backend.expireAccessTokens();

  const statuses = await tab.evaluate((count) => Promise.all(Array.from({ length: count }, (_, i) =>
    fetch(`/api/slow?ms=200&i=${i}`).then((response) => response.status, () => 0))), BURST);

  const stats = await backend.stats();
  console.log(`first install: config fetched ${stats.configRequests} time(s); burst of ${BURST}: ` +
    `${statuses.filter((s) => s === 200).length} succeeded, ${stats.refreshRequests} refresh, ` +
    `at most ${stats.maxConcurrentApiRequests} API requests at once at the server (window ${MAX_CONCURRENT_REQUESTS})`);
  expect(stats.configRequests).toBe(1);
  expect(statuses).toEqual(Array.from({ length: BURST }, () => 200));
  expect(stats.refreshRequests).toBe(1);
  expect(stats.maxConcurrentApiRequests).toBeLessThanOrEqual(MAX_CONCURRENT_REQUESTS);
  // The window was used, not bypassed: the burst did fill it.
  expect(stats.maxConcurrentApiRequests).toBe(MAX_CONCURRENT_REQUESTS);
});
