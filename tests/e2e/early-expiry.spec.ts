import { count, expect, fireBurst, logIn, openControlledTab, test } from './fixtures.ts';

test('an access token that dies right after a refresh is refreshed again: the server says "Token has expired" in so many words', async ({ context, demo }) => {
  const tab = await openControlledTab(context, demo);
  await logIn(tab);
  await demo.expireAccessTokens();
  await demo.resetCounters();
  const first = await fireBurst(tab, 10);
  expect(count(first, 200)).toBe(10);
  expect((await demo.stats()).refreshRequests).toBe(1);

  // As a new user would in the demo: "Expire access tokens now" pressed right after a burst.
  await demo.expireAccessTokens();
  const second = await fireBurst(tab, 10);

  const stats = await demo.stats();
  console.log(`expiry right after a refresh: second burst ${count(second, 200)}/10 succeeded, ${stats.refreshRequests} refreshes in all`);
  expect(count(second, 200)).toBe(10);
  expect(stats.refreshRequests).toBe(2);
  expect(stats.sessionsRevoked).toBe(0);
});
