import { markedBurstInPage } from '../shared/marked-burst.ts';
import { abortHeldRequestInPage } from '../shared/naive-page.ts';
import { count, expect, logIn, openControlledTab, sleep, test, untilRefreshRequests } from './fixtures.ts';
import { apiRequestsBetween, expectInside, markOf, onlyRefresh, serverEvents } from './server-events.ts';
import { settledWithin } from './time-bounds.ts';

test('requests made while a refresh is in flight wait for it instead of going out with dead credentials', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  // Long enough that the twelve are surely made while the server holds the refresh (asserted below).
  await backend.control({ refreshDelayMs: 3_000 });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const first = tab.evaluate(async () => (await fetch('/api/items')).status);
  await untilRefreshRequests(backend);
  const later = await tab.evaluate(markedBurstInPage, { count: 12, label: 'twelve requests made' });

  expect(await first).toBe(200);
  expect(count(later, 200)).toBe(12);
  const stats = await backend.stats();
  expect(stats.refreshRequests).toBe(1);
  // Only the request that discovered the expiry met a 401; the twelve were held, then sent once.
  expect(stats.api401).toBe(1);
  expect(stats.apiRequests).toBe(1 + 1 + 12);
  // The twelve were made while the server held the refresh, and none went out before its answer.
  const events = await serverEvents(backend);
  const refresh = onlyRefresh(events);
  expectInside(markOf(events, 'twelve requests made'), refresh);
  expect(apiRequestsBetween(events, refresh.started, refresh.ended)).toEqual([]);
});

// Neither Chromium 156 nor Firefox ESR 153 passes the page's abort on to the worker
// (FetchEvent.request.signal never aborts, measured here), so a held request the page gave up on
// is still sent after the refresh, once and with fresh credentials, as it would have gone out
// without the broker. What the page can count on: its fetch ends with its own AbortError at once,
// without waiting for the refresh. Should an engine start passing aborts on, apiRequests drops to
// 3 here, and this test should then assert that the aborted request never reaches the server.
test('a held request that the page aborts ends with the page\'s abort at once; the worker still sends it once, after the refresh, with fresh credentials', async ({ profile, backend }) => {
  const REFRESH_DELAY_MS = 2_000;
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  await backend.control({ refreshDelayMs: REFRESH_DELAY_MS });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const result = await settledWithin(tab.evaluate(abortHeldRequestInPage), REFRESH_DELAY_MS + 10_000, 'the three requests');

  expect(result).toEqual({ abortOutcome: 'AbortError', firstStatusWhenAborted: 0, firstStatus: 200, otherHeldStatus: 200 });
  // On the wire: the first request's 401 and its replay, the other held request, and the aborted
  // one. Give the aborted one (whose answer nobody waits for) the time to arrive, then no more.
  await expect.poll(async () => (await backend.stats()).apiRequests, { timeout: 5_000 }).toBe(4);
  await sleep(500);
  const stats = await backend.stats();
  expect(stats.apiRequests).toBe(4);
  // Only the first request ever carried the dead credentials: the held two went out after the refresh.
  expect(stats.api401).toBe(1);
  expect(stats.expiredAccessTokens).toBe(1);
  expect(stats.apiSucceeded).toBe(3);
  expect(stats.refreshRequests).toBe(1);
});
