import { count, expect, fireBurst, listenToBroker, logIn, openControlledTab, test, requires, sleep } from './fixtures.ts';

// Chromium's offline emulation lets the refresh in flight finish (measured here) and fails what is
// sent after. A replay that cannot be sent ends with the request's original 401; a request that was
// held before its first send (its body was still being read when the refresh began) ends with the
// network error. Both are what the page would have got without the broker.
test('the network drops during a refresh and comes back: every request ends, none hangs, and the session survives', async ({ profile, backend }) => {
  requires(profile, 'offline');
  const devtools = profile.devtools!;
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  const heard = await listenToBroker(tab);
  await backend.control({ refreshDelayMs: 1_000 });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const during = fireBurst(tab, 6);
  await expect.poll(async () => (await backend.stats()).refreshRequests).toBe(1);
  await devtools.setOffline(true);
  const duringStatuses = await during;
  await sleep(500);
  await devtools.setOffline(false);
  await backend.control({ refreshDelayMs: 0 });
  const after = await fireBurst(tab, 10);

  const stats = await backend.stats();
  console.log(`offline during refresh: during ${JSON.stringify(duringStatuses)}, after ${count(after, 200)}/10, ` +
    `${stats.refreshRequests} refreshes, ${stats.reuseDetected} reuse`);
  // Every request ended (none hangs): 200, its 401, or (never sent) a network error, status 0.
  expect(duringStatuses).toHaveLength(6);
  expect(duringStatuses.every((status) => status === 401 || status === 200 || status === 0)).toBe(true);
  expect(count(after, 200)).toBe(10);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.reuseDetected).toBe(0);
  expect(stats.sessionsRevoked).toBe(0);
  expect(await heard()).toEqual([{ type: 'refreshed', generation: 1 }]);
});
