import { count, expect, fireBurst, logIn, openControlledTabs, openTab, test } from './fixtures.ts';

const TABS = 5;
const REQUESTS_PER_TAB = 20;

for (const rotation of [true, false]) {
  test(`${TABS} tabs x ${REQUESTS_PER_TAB} concurrent requests after expiry cost one refresh, rotation ${rotation ? 'on' : 'off'}`, async ({ profile, backend }) => {
    await backend.control({ rotation, reuseDetection: rotation });
    const tabs = await openControlledTabs(profile, backend, TABS);
    await logIn(tabs[0]!);
    await backend.expireAccessTokens();
    await backend.resetCounters();

    const statuses = (await Promise.all(tabs.map((tab) => fireBurst(tab, REQUESTS_PER_TAB)))).flat();
    const stats = await backend.stats();

    const succeeded = count(statuses, 200);
    console.log(`${profile.engine}, rotation ${rotation ? 'on' : 'off'}: ${TABS} tabs x ${REQUESTS_PER_TAB} requests after expiry -> ` +
      `${stats.refreshRequests} refresh, ${stats.reuseDetected} reuse, ${succeeded}/${statuses.length} succeeded, ` +
      `${stats.api401} 401s on the wire, ${count(statuses, 401)} seen by the pages`);
    expect(stats.refreshRequests).toBe(1);
    expect(stats.refreshSucceeded).toBe(1);
    expect(stats.reuseDetected).toBe(0);
    expect(stats.sessionsRevoked).toBe(0);
    expect(succeeded).toBe(TABS * REQUESTS_PER_TAB);
    // Every request reached the server and succeeded there once.
    expect(stats.apiSucceeded).toBe(TABS * REQUESTS_PER_TAB);
  });
}

test('the same page without the broker: every request after expiry reaches the page as a 401, and nothing refreshes', async ({ engine, backend }) => {
  const profile = await engine.newProfile({ serviceWorkers: false });
  try {
    const tabs = [];
    for (let i = 0; i < TABS; i += 1) tabs.push(await openTab(profile, backend, 'minimal.html'));
    await logIn(tabs[0]!);
    await backend.expireAccessTokens();
    await backend.resetCounters();

    const statuses = (await Promise.all(tabs.map((tab) => fireBurst(tab, REQUESTS_PER_TAB)))).flat();
    const stats = await backend.stats();
    console.log(`${profile.engine} without the broker: ${count(statuses, 401)}/${statuses.length} requests saw a 401, ${stats.refreshRequests} refreshes`);
    expect(count(statuses, 401)).toBe(TABS * REQUESTS_PER_TAB);
    expect(stats.refreshRequests).toBe(0);
  } finally {
    await profile.close();
  }
});
