import { abortHeldRequestInPage } from '../shared/naive-page.ts';
import { count, expect, fireBurst, logIn, openControlledTab, test, untilRefreshRequests } from './fixtures.ts';

test('requests made while a refresh is in flight wait for it instead of going out with dead credentials', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  await backend.control({ refreshDelayMs: 1_500 });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const first = tab.evaluate(async () => (await fetch('/api/items')).status);
  await untilRefreshRequests(backend);
  const later = await fireBurst(tab, 12);

  expect(await first).toBe(200);
  expect(count(later, 200)).toBe(12);
  const stats = await backend.stats();
  expect(stats.refreshRequests).toBe(1);
  // Only the request that discovered the expiry met a 401; the twelve were held, then sent once.
  expect(stats.api401).toBe(1);
  expect(stats.apiRequests).toBe(1 + 1 + 12);
});

// Neither Chromium 156 nor Firefox ESR 153 passes the page's abort on to the worker
// (FetchEvent.request.signal never aborts, measured here), so a held request the page gave up on
// is still sent after the refresh, as it would have gone out without the broker. What the page can
// count on: its fetch ends with its own AbortError at once, without waiting for the refresh.
test('a held request that the page aborts ends with the page\'s abort, without waiting for the refresh', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  await backend.control({ refreshDelayMs: 2_000 });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const result = await tab.evaluate(abortHeldRequestInPage);

  expect(result).toEqual({ abortOutcome: 'AbortError', firstStatusWhenAborted: 0, firstStatus: 200 });
  expect((await backend.stats()).refreshRequests).toBe(1);
});
