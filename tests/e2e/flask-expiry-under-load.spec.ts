// The broker's core promise against the real flask-jwt-extended: many tabs, many requests, one
// expiry, one refresh; with rotation and reuse detection on, so a second refresh would revoke
// the session.
import { count, expect, fireBurst, logIn, openControlledTabs, openTab, test } from './fixtures.ts';

// Against the real flask-jwt-extended app (tests/flask), not the demo server's imitation of it.
test.use({ backendKind: 'flask' });

// Starting the real flask app takes seconds (python imports), and on a busy machine a scenario
// in Firefox (a browser per profile) can take most of the default 60 s before that.
test.describe.configure({ timeout: 120_000 });

const TABS = 5;
const REQUESTS_PER_TAB = 20;

test(`real flask: ${TABS} tabs x ${REQUESTS_PER_TAB} concurrent requests after expiry cost one refresh, with rotation and reuse detection`, async ({ profile, backend }) => {
  await backend.control({ rotation: true, reuseDetection: true });
  const tabs = await openControlledTabs(profile, backend, TABS);
  await logIn(tabs[0]!);
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const statuses = (await Promise.all(tabs.map((tab) => fireBurst(tab, REQUESTS_PER_TAB)))).flat();
  const stats = await backend.stats();

  console.log(`real flask, ${profile.engine}: ${TABS} x ${REQUESTS_PER_TAB} after expiry -> ${stats.refreshRequests} refresh, ` +
    `${stats.reuseDetected} reuse, ${count(statuses, 200)}/${statuses.length} succeeded, ${stats.api401Expired} expired 401s on the wire`);
  // flask itself said "Token has expired" (the expiry was real), then one refresh cured every tab.
  expect(stats.api401Expired).toBeGreaterThan(0);
  expect(stats.expiredAccessTokens).toBe(1);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.refreshSucceeded).toBe(1);
  expect(stats.reuseDetected).toBe(0);
  expect(stats.sessionsRevoked).toBe(0);
  expect(count(statuses, 200)).toBe(TABS * REQUESTS_PER_TAB);
  // Each request succeeded at the server exactly once: replays only for the ones that met a 401.
  expect(stats.apiSucceeded).toBe(TABS * REQUESTS_PER_TAB);
  expect(stats.apiRequests).toBe(TABS * REQUESTS_PER_TAB + stats.api401);
});

test('real flask, the same page without the broker: every request after expiry reaches the page as flask\'s 401', async ({ engine, backend }) => {
  const profile = await engine.newProfile({ serviceWorkers: false });
  try {
    const tab = await openTab(profile, backend, 'minimal.html');
    await logIn(tab);
    await backend.expireAccessTokens();
    await backend.resetCounters();

    const statuses = await fireBurst(tab, REQUESTS_PER_TAB);
    const stats = await backend.stats();
    expect(count(statuses, 401)).toBe(REQUESTS_PER_TAB);
    expect(stats.api401Expired).toBe(REQUESTS_PER_TAB);
    expect(stats.refreshRequests).toBe(0);
  } finally {
    await profile.close();
  }
});
