// The baseline bearer mode is measured against: the same five tabs of the demo's oidc-client-ts
// app, with service workers blocked (no broker). Its figures go to the note and the bench; what
// it asserts is only that the measurement ran (refresh grants happened, every call was counted):
// how badly five tabs race their rotating refresh tokens depends on timing, so no count is pinned.
import { expect, test } from './fixtures.ts';
import {
  BEARER_TTL_SECONDS, bearerStats, openLoggedInBearerTabs, setBearerAccessTtl, startApiCalls, stopApiCalls, tallyOf,
} from './bearer-tabs.ts';

const TABS = 5;
const EXPIRIES = 3;

test('without the broker, five oidc-client-ts tabs are measured over three expiries', async ({ engine, backend }) => {
  test.setTimeout(150_000);
  const profile = await engine.newProfile({ serviceWorkers: false });
  try {
    await setBearerAccessTtl(backend, BEARER_TTL_SECONDS);
    const tabs = await openLoggedInBearerTabs(profile, backend, TABS, false);
    for (const tab of tabs) await startApiCalls(tab, 400);
    // Time, not grants: without the broker the grant may be revoked and refreshes stop.
    await new Promise((resolve) => setTimeout(resolve, (EXPIRIES * BEARER_TTL_SECONDS + 1) * 1000));
    for (const tab of tabs) await stopApiCalls(tab);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // calls in flight end
    const tallies = await Promise.all(tabs.map(tallyOf));
    const { oidc } = await bearerStats(backend);
    const sent = tallies.reduce((sum, t) => sum + t.api.sent, 0);
    const succeeded = tallies.reduce((sum, t) => sum + t.api.succeeded, 0);
    const renewErrors = tallies.reduce((sum, t) => sum + t.renew.errors, 0);
    console.log(`bearer baseline (${profile.engine}, no broker, ${TABS} tabs, ${EXPIRIES} x ${BEARER_TTL_SECONDS} s): `
      + `refresh grants ${oidc.refreshGrants}, refused ${oidc.refreshFailed}, reuse detected ${oidc.reuseDetected}, grants revoked ${oidc.grantsRevoked}, `
      + `API ${succeeded}/${sent} (${((100 * succeeded) / Math.max(sent, 1)).toFixed(0)}%), silent renew errors ${renewErrors}`);
    expect(sent).toBeGreaterThan(0);
    expect(oidc.apiOk + oidc.api401).toBe(sent);
    expect(oidc.refreshGrants).toBeGreaterThan(0);
  } finally {
    await profile.close();
  }
});
