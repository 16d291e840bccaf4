import { count, expect, fireBurst, listenToBroker, logIn, openControlledTab, test, requires, sleep, untilRefreshRequests } from './fixtures.ts';
import { settledWithin } from './time-bounds.ts';

const REFRESH_DELAY_MS = 2_000;
/** "Nothing hangs": every request ends within this after the refresh answered, far below the test's timeout. */
const MARGIN_MS = 5_000;

// Chromium's offline emulation lets the refresh in flight finish (measured here: the server's
// answer and its cookies arrive) and fails what is sent after. So each request's outcome says
// where it was when the network dropped, and each is what the page would have got without the
// broker at that moment:
// - the request that met the 401 and started the refresh: its replay cannot be sent, so it gets
//   its original 401 back (not a network error);
// - requests made during the refresh: held in the worker before their first send, they go out
//   after it, into the dead network: a network error (status 0), never a 401 with dead credentials;
// - requests made once the network is back: 200, with the credentials of that one refresh.
test('the network drops during a refresh and comes back: the first request gets its 401, the held ones a network error, the later ones 200; none hangs, and the session survives', async ({ profile, backend }) => {
  requires(profile, 'offline');
  const devtools = profile.devtools!;
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  const heard = await listenToBroker(tab);
  await backend.control({ refreshDelayMs: REFRESH_DELAY_MS });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const first = tab.evaluate(async () => fetch('/api/items').then((r) => r.status, () => 0));
  await untilRefreshRequests(backend);
  const held = fireBurst(tab, 6);
  await sleep(300); // the six reach the worker, which holds them
  await devtools.setOffline(true);
  const firstStatus = await settledWithin(first, REFRESH_DELAY_MS + MARGIN_MS, 'the first request');
  const heldStatuses = await settledWithin(held, REFRESH_DELAY_MS + MARGIN_MS, 'the held requests');
  const whileOffline = await backend.stats();
  await devtools.setOffline(false);
  await backend.control({ refreshDelayMs: 0 });
  const after = await fireBurst(tab, 10);

  const stats = await backend.stats();
  console.log(`offline during refresh: first ${firstStatus}, held ${JSON.stringify(heldStatuses)}, after ${count(after, 200)}/10, ` +
    `${stats.refreshRequests} refreshes, ${stats.reuseDetected} reuse`);
  expect(firstStatus).toBe(401);
  expect(heldStatuses).toEqual([0, 0, 0, 0, 0, 0]);
  // While offline, the server saw only the first request (its 401) and the one refresh, answered.
  expect(whileOffline.apiRequests).toBe(1);
  expect(whileOffline.api401).toBe(1);
  expect(whileOffline.refreshRequests).toBe(1);
  expect(whileOffline.refreshSucceeded).toBe(1);
  // Back online, the credentials of that refresh serve every request: no second refresh, no 401.
  expect(count(after, 200)).toBe(10);
  expect(stats.apiRequests).toBe(1 + 10);
  expect(stats.api401).toBe(1);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.reuseDetected).toBe(0);
  expect(stats.sessionsRevoked).toBe(0);
  expect(await heard()).toEqual([{ type: 'refreshed', generation: 1 }]);
});
