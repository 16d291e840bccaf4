// Bearer mode's main promise, against a real oidc-provider (its default rotation: a spent refresh
// token presented again revokes the whole grant) and five tabs of an app using oidc-client-ts
// unchanged (silent renew in every tab, its user shared in localStorage): one refresh_token grant
// per expiry for all tabs, nothing revoked, every API call answered 200.
import { expect, test } from './fixtures.ts';
import {
  BEARER_TTL_SECONDS, bearerStats, openLoggedInBearerTabs, setBearerAccessTtl, startApiCalls, stopApiCalls, tallyOf, untilMoreRefreshGrants,
} from './bearer-tabs.ts';

const TABS = 5;
const EXPIRIES = 3;

test('five oidc-client-ts tabs with silent renew make one refresh_token grant per expiry, revoke nothing, and every API call succeeds', async ({ profile, backend }) => {
  test.setTimeout(150_000);
  await setBearerAccessTtl(backend, BEARER_TTL_SECONDS);
  const tabs = await openLoggedInBearerTabs(profile, backend, TABS, true);
  for (const tab of tabs) await startApiCalls(tab, 400);

  await untilMoreRefreshGrants(backend, EXPIRIES);
  for (const tab of tabs) await stopApiCalls(tab);
  await new Promise((resolve) => setTimeout(resolve, 1500)); // calls in flight end

  const { oidc } = await bearerStats(backend);
  const tallies = await Promise.all(tabs.map(tallyOf));
  const sent = tallies.reduce((sum, t) => sum + t.api.sent, 0);
  console.log(`bearer with the broker (${profile.engine}, ${TABS} tabs, ${BEARER_TTL_SECONDS} s tokens): refresh grants ${oidc.refreshGrants}, `
    + `early ${oidc.refreshEarly}, refused ${oidc.refreshFailed}, revoked ${oidc.grantsRevoked}, API ${oidc.apiOk}/${sent}`);

  // One grant per expiry: none spent twice, none made while the newest token was young.
  expect(oidc.refreshGrants).toBeGreaterThanOrEqual(EXPIRIES);
  expect(oidc.refreshEarly).toBe(0);
  expect(oidc.reuseDetected).toBe(0);
  expect(oidc.refreshFailed).toBe(0);
  expect(oidc.grantsRevoked).toBe(0);
  expect(oidc.serverErrors).toBe(0);
  // Every call of every tab reached the API with a live token, and the page saw only 200s.
  expect(oidc.api401).toBe(0);
  expect(oidc.apiOk).toBe(sent);
  for (const tally of tallies) {
    // Calls all along: at least one per expiry in every tab (one every 400 ms is the plan).
    expect(tally.api.sent).toBeGreaterThanOrEqual(EXPIRIES);
    expect(tally.api).toEqual({ sent: tally.api.sent, succeeded: tally.api.sent, unauthorized: 0, failed: 0 });
    expect(tally.renew.errors).toBe(0);
  }
});
