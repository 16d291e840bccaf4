// The vault outlives its worker: stopped between two expiries (as a browser stops an idle
// worker), the next worker takes the session from IndexedDB, and the refresh after it is the one
// grant of that expiry, with the rotated refresh token (a stale one would revoke the grant).
import { expect, requires, test } from './fixtures.ts';
import {
  BEARER_TTL_SECONDS, bearerStats, openLoggedInBearerTabs, setBearerAccessTtl, startApiCalls, stopApiCalls, tallyOf, untilMoreRefreshGrants,
} from './bearer-tabs.ts';

test('the session survives the worker being stopped between two expiries', async ({ profile, backend }) => {
  requires(profile, 'stopServiceWorkers');
  test.setTimeout(120_000);
  await setBearerAccessTtl(backend, BEARER_TTL_SECONDS);
  const tabs = await openLoggedInBearerTabs(profile, backend, 2, true);
  for (const tab of tabs) await startApiCalls(tab, 400);
  await untilMoreRefreshGrants(backend, 1);
  await profile.devtools!.stopServiceWorkers(tabs[0]!);
  await untilMoreRefreshGrants(backend, 2);
  for (const tab of tabs) await stopApiCalls(tab);
  await new Promise((resolve) => setTimeout(resolve, 1500));

  const { oidc } = await bearerStats(backend);
  const tallies = await Promise.all(tabs.map(tallyOf));
  expect(oidc.refreshFailed).toBe(0);
  expect(oidc.reuseDetected).toBe(0);
  expect(oidc.grantsRevoked).toBe(0);
  expect(oidc.refreshEarly).toBe(0);
  expect(oidc.api401).toBe(0);
  for (const tally of tallies) expect(tally.api.succeeded).toBe(tally.api.sent);
});
