import { count, expect, fireBurst, listenToBroker, logIn, openControlledTab, test } from './fixtures.ts';

// Chromium's offline emulation lets the refresh in flight finish (measured here) and fails what is
// sent after. A replay that cannot be sent ends with the request's original 401; a request that was
// held before its first send (its body was still being read when the refresh began) ends with the
// network error. Both are what the page would have got without the broker.
test('the network drops during a refresh and comes back: every request ends, none hangs, and the session survives', async ({ context, demo }) => {
  const tab = await openControlledTab(context, demo);
  await logIn(tab);
  const heard = await listenToBroker(tab);
  await demo.control({ refreshDelayMs: 1_000 });
  await demo.expireAccessTokens();
  await demo.resetCounters();

  const during = fireBurst(tab, 6);
  await expect.poll(async () => (await demo.stats()).refreshRequests).toBe(1);
  await context.setOffline(true);
  const duringStatuses = await during;
  await tab.waitForTimeout(500);
  await context.setOffline(false);
  await demo.control({ refreshDelayMs: 0 });
  const after = await fireBurst(tab, 10);

  const stats = await demo.stats();
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
