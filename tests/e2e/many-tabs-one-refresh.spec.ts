// The broker's core promise: many tabs, many requests, one expiry, one refresh; with rotation and
// reuse detection on, a second refresh would revoke the session. Against the demo server and the
// real flask-jwt-extended app (tests/flask), so that our imitation of its protocol cannot drift.
import { BACKEND_KINDS } from './backends.ts';
import { count, expect, fireBurst, logIn, openControlledTabs, openTab, test } from './fixtures.ts';

// Starting the real flask app takes seconds (python imports), and on a busy machine a scenario in
// Firefox (a browser per profile) can take most of the default 60 s before that.
test.describe.configure({ timeout: 120_000 });

const TABS = 5;
const REQUESTS_PER_TAB = 20;

for (const backendKind of BACKEND_KINDS) {
  test.describe(`${backendKind} backend`, () => {
    test.use({ backendKind });

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
        console.log(`${backendKind}, ${profile.engine}, rotation ${rotation ? 'on' : 'off'}: ${TABS} tabs x ${REQUESTS_PER_TAB} requests after expiry -> ` +
          `${stats.refreshRequests} refresh, ${stats.reuseDetected} reuse, ${succeeded}/${statuses.length} succeeded, ` +
          `${stats.api401} 401s on the wire, ${count(statuses, 401)} seen by the pages`);
        // The server itself said "Token has expired" (the expiry was real), then one refresh cured every tab.
        expect(stats.api401Expired).toBeGreaterThan(0);
        expect(stats.expiredAccessTokens).toBe(1);
        expect(stats.refreshRequests).toBe(1);
        expect(stats.refreshSucceeded).toBe(1);
        expect(stats.reuseDetected).toBe(0);
        expect(stats.sessionsRevoked).toBe(0);
        expect(succeeded).toBe(TABS * REQUESTS_PER_TAB);
        // Each request succeeded at the server exactly once: replays only for the ones that met a 401.
        expect(stats.apiSucceeded).toBe(TABS * REQUESTS_PER_TAB);
        expect(stats.apiRequests).toBe(TABS * REQUESTS_PER_TAB + stats.api401);
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
        console.log(`${backendKind}, ${profile.engine} without the broker: ${count(statuses, 401)}/${statuses.length} requests saw a 401, ${stats.refreshRequests} refreshes`);
        expect(count(statuses, 401)).toBe(TABS * REQUESTS_PER_TAB);
        expect(stats.api401Expired).toBe(TABS * REQUESTS_PER_TAB);
        expect(stats.refreshRequests).toBe(0);
      } finally {
        await profile.close();
      }
    });
  });
}
