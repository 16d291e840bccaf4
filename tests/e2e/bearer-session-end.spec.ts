// invalid_grant is the end of the session, once: the grant revoked at the server, the one refresh
// the broker makes is refused, every tab hears session-expired exactly once, nothing more is sent
// to the token endpoint; and a new login starts a new session that every tab uses.
import { expect, test } from './fixtures.ts';
import {
  BEARER_TTL_SECONDS, bearerStats, logInThroughProvider, openLoggedInBearerTabs, resetBearerCounters, revokeAllGrants, setBearerAccessTtl, startApiCalls,
  stopApiCalls, tallyOf, untilInTab,
} from './bearer-tabs.ts';
import { sleep } from './fixtures.ts';

const TABS = 5;

test('invalid_grant ends the session once in every tab, and a new login works after', async ({ profile, backend }) => {
  test.setTimeout(150_000);
  await setBearerAccessTtl(backend, BEARER_TTL_SECONDS);
  const tabs = await openLoggedInBearerTabs(profile, backend, TABS, true);
  for (const tab of tabs) await startApiCalls(tab, 400);
  await revokeAllGrants(backend);
  await resetBearerCounters(backend);

  for (const tab of tabs) {
    await untilInTab(tab, () => (window as unknown as { bearerDemo: { brokerHeard: { type?: string }[] } }).bearerDemo.brokerHeard
      .some((message) => message?.type === 'session-expired'), 3 * BEARER_TTL_SECONDS * 1000);
  }
  // Two more lifetimes: every tab's silent renew comes and goes, and nothing new may happen.
  await sleep(2 * BEARER_TTL_SECONDS * 1000);
  for (const tab of tabs) await stopApiCalls(tab);
  const ended = await bearerStats(backend);
  expect(ended.oidc.refreshGrants).toBe(1);
  expect(ended.oidc.refreshFailed).toBe(1);
  for (const tab of tabs) {
    const heard = (await tallyOf(tab)).brokerHeard.filter((message) => (message as { type?: string } | null)?.type === 'session-expired');
    expect(heard.length).toBe(1);
  }

  // A new login, in one tab: every tab's API calls work again.
  await resetBearerCounters(backend);
  await logInThroughProvider(tabs[0]!, backend);
  const statuses = await Promise.all(tabs.map((tab) => tab.evaluate(async () => {
    const demo = (window as unknown as { bearerDemo: { tokens(): Promise<{ access?: string }> } }).bearerDemo;
    const { access } = await demo.tokens();
    return (await fetch('/bearer-api/data', { headers: access ? { Authorization: `Bearer ${access}` } : {} })).status;
  })));
  expect(statuses).toEqual(tabs.map(() => 200));
  const after = await bearerStats(backend);
  expect(after.oidc.loginGrants).toBe(1);
  // The page the login lands on calls the API on its own too: at least the five, and no 401.
  expect(after.oidc.apiOk).toBeGreaterThanOrEqual(TABS);
  expect(after.oidc.api401).toBe(0);
  expect(after.oidc.grantsRevoked).toBe(0);
});
