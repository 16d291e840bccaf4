// No 401 on the wire after the first expiry, with no expiry information: flask-jwt-extended's
// defaults (session cookies, nothing a worker can read says when the access token dies). The
// broker sees the login through the Cookie Store's change events and each expiry 401, learns how
// long tokens live, and from then on refreshes ahead of each expiry. Short real lifetimes (the
// backends' accessTtlSeconds); the assertions are the servers' counters only:
// - expiredAccessTokens: how many distinct access tokens met a "Token has expired" 401, i.e. how
//   many expiries cost a 401 round;
// - reuseDetected / sessionsRevoked: with rotation and reuse detection on, a second refresh of one
//   generation would spend a refresh token twice and revoke the session.
import { adopterPage, count, expect, logIn, openControlledTabs, test, type Tab } from './fixtures.ts';
import { BACKEND_KINDS } from './backends.ts';
import { can, requires } from './engines/limits.ts';

// Starting the flask app takes seconds, Firefox a browser per profile; the traffic itself runs
// for EXPIRIES lifetimes.
test.describe.configure({ timeout: 180_000 });

const TABS = 5;
const ACCESS_TTL_SECONDS = 5;
const EXPIRIES = 5;
// Learned lifetimes are used only above refreshAheadMs + cooldownMs (lifetime-learner.ts): with
// flask's whole-second `exp`, a 5 s token lives between 4 and 5 s.
const REFRESH_AHEAD_MS = 1_500;
const COOLDOWN_MS = 1_000;
const PAUSE_BETWEEN_REQUESTS_MS = 50;
const LONG_TTL_SECONDS = 8;
const SHORT_TTL_SECONDS = 4;

test.use({
  backendFiles: {
    'learned-lifetime.json': JSON.stringify({
      preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' },
      refreshAheadMs: REFRESH_AHEAD_MS, cooldownMs: COOLDOWN_MS,
    }),
    'learned-lifetime.html': adopterPage('/learned-lifetime.json'),
  },
});

/** In a tab: requests one after another (GET, then a POST with the CSRF header, ...) for `durationMs`; how many ended with each status. */
async function steadyTrafficInPage({ durationMs, pauseMs }: { durationMs: number; pauseMs: number }): Promise<Record<number, number>> {
  const csrf = () => document.cookie.split('; ').find((c) => c.startsWith('csrf_access_token='))?.slice('csrf_access_token='.length) ?? '';
  const statuses: Record<number, number> = {};
  const endMs = performance.now() + durationMs;
  for (let i = 0; performance.now() < endMs; i += 1) {
    let status = 0;
    try {
      const response = i % 2 === 0
        ? await fetch(`/api/items?n=${i % 5}`, { cache: 'no-store' })
        : await fetch('/api/echo', { method: 'POST', headers: { 'content-type': 'application/json', 'X-CSRF-TOKEN': csrf() }, body: JSON.stringify({ i }) });
      status = response.status;
      await response.arrayBuffer();
    } catch {
      status = 0;
    }
    statuses[status] = (statuses[status] ?? 0) + 1;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return statuses;
}

/** Every tab's steady traffic at once, for `seconds`; the statuses of all requests. */
async function steadyTraffic(tabs: readonly Tab[], seconds: number): Promise<number[]> {
  const perTab = await Promise.all(tabs.map((tab) => tab.evaluate(steadyTrafficInPage,
    { durationMs: seconds * 1000, pauseMs: PAUSE_BETWEEN_REQUESTS_MS })));
  return perTab.flatMap((statuses) => Object.entries(statuses).flatMap(([status, n]) => Array<number>(n).fill(Number(status))));
}

for (const backendKind of BACKEND_KINDS) {
  test.describe(`${backendKind} backend, session cookies`, () => {
    test.use({ backendKind });

    test(`${TABS} tabs of steady traffic over ${EXPIRIES} expiries: expired-token 401s at the first expiry only, one refresh per generation, every request answered 200`, async ({ profile, backend }) => {
      await backend.control({ accessTtlSeconds: ACCESS_TTL_SECONDS, rotation: true, reuseDetection: true, sessionCookies: true });
      const tabs = await openControlledTabs(profile, backend, TABS, 'learned-lifetime.html');
      await logIn(tabs[0]!);
      await backend.resetCounters();

      const statuses = await steadyTraffic(tabs, (EXPIRIES + 0.5) * ACCESS_TTL_SECONDS);
      const stats = await backend.stats();
      console.log(`${backendKind}, ${profile.engine}: ${statuses.length} requests over ${EXPIRIES} lifetimes -> ` +
        `${stats.expiredAccessTokens} tokens met a 401 (${stats.api401Expired} expired-token 401s on the wire), ` +
        `${stats.refreshRequests} refreshes, ${stats.reuseDetected} reuse, ${count(statuses, 200)}/${statuses.length} succeeded`);

      expect(count(statuses, 200)).toBe(statuses.length);
      // Only the login's token met its expiry on the wire; every later one was refreshed ahead. An
      // engine without cookie change events does not see the login start: its first refresh's
      // token is the first whose lifetime it can measure, so two tokens meet their expiry.
      expect(stats.expiredAccessTokens).toBe(can(profile, 'cookieChangeEvents') ? 1 : 2);
      // Every expiry was passed by a refresh (tokens kept dying: without one, requests would fail)...
      expect(stats.refreshSucceeded).toBeGreaterThanOrEqual(EXPIRIES);
      expect(stats.refreshRequests).toBe(stats.refreshSucceeded);
      // ...and never two for one generation: a refresh token spent twice would revoke the session.
      expect(stats.reuseDetected).toBe(0);
      expect(stats.sessionsRevoked).toBe(0);
      // No loop: a refresh ahead needs the token to have lived refreshAheadMs + cooldownMs - refreshAheadMs.
      expect(stats.refreshRequests).toBeLessThanOrEqual((EXPIRIES + 0.5) * ACCESS_TTL_SECONDS * 1000 / COOLDOWN_MS);
    });

    test('a lifetime that shrinks and a token revoked early cost at most one 401 round each, one refresh per generation', async ({ profile, backend }) => {
      requires(profile, 'cookieChangeEvents'); // its counts assume the lifetime learned from the login's token
      // From 8 s to 4 s: the refresh ahead of an 8 s token comes 6.5 s into its life, so the first
      // 4 s token meets its expiry whatever the rounding of either lifetime.
      await backend.control({ accessTtlSeconds: LONG_TTL_SECONDS, rotation: true, reuseDetection: true, sessionCookies: true });
      const tabs = await openControlledTabs(profile, backend, TABS, 'learned-lifetime.html');
      await logIn(tabs[0]!);
      await backend.resetCounters();
      const learning = steadyTraffic(tabs, 30);
      // Learned from the login's token by now; tokens issued from here on live half as long.
      await new Promise((resolve) => setTimeout(resolve, 1.5 * LONG_TTL_SECONDS * 1000));
      await backend.control({ accessTtlSeconds: SHORT_TTL_SECONDS });
      const shrunk = await learning;
      const afterShrink = await backend.stats();

      await backend.resetCounters();
      const revoking = steadyTraffic(tabs, 3 * ACCESS_TTL_SECONDS);
      await new Promise((resolve) => setTimeout(resolve, ACCESS_TTL_SECONDS * 1000));
      await backend.expireAccessTokens(); // every token issued so far dies now, answered "Token has expired"
      const revoked = await revoking;
      const afterRevoke = await backend.stats();
      console.log(`${backendKind}, ${profile.engine}: shrink -> ${afterShrink.expiredAccessTokens} tokens met a 401, ${afterShrink.refreshRequests} refreshes; ` +
        `revoked early -> ${afterRevoke.expiredAccessTokens} tokens met a 401, ${afterRevoke.refreshRequests} refreshes`);

      const statuses = [...shrunk, ...revoked];
      expect(count(statuses, 200)).toBe(statuses.length);
      // The login's token, and the first short-lived one (the wrong guess); none after.
      expect(afterShrink.expiredAccessTokens).toBe(2);
      // The revoked token, unless a refresh ahead replaced it before any request met it; none after.
      expect(afterRevoke.expiredAccessTokens).toBeLessThanOrEqual(1);
      for (const stats of [afterShrink, afterRevoke]) {
        expect(stats.refreshRequests).toBe(stats.refreshSucceeded);
        expect(stats.reuseDetected).toBe(0);
        expect(stats.sessionsRevoked).toBe(0);
      }
    });
  });
}
