import { count, expect, fireBurst, logIn, openControlledTab, test } from './fixtures.ts';
import { BACKEND_KINDS } from './backends.ts';

// Firefox on a loaded machine (load 30 on 2 cores, seen here) takes most of a minute to start a profile.
test.describe.configure({ timeout: 120_000 });

// Against the demo server and the real flask-jwt-extended app (tests/flask).
for (const backendKind of BACKEND_KINDS) {
  test.describe(`${backendKind} backend`, () => {
    test.use({ backendKind });

    test('an access token that dies right after a refresh is refreshed again: the server says "Token has expired" in so many words', async ({ profile, backend }) => {
      const tab = await openControlledTab(profile, backend);
      await logIn(tab);
      await backend.expireAccessTokens();
      await backend.resetCounters();
      const first = await fireBurst(tab, 10);
      expect(count(first, 200)).toBe(10);
      expect((await backend.stats()).refreshRequests).toBe(1);

      // As a new user would in the demo: "Expire access tokens now" pressed right after a burst.
      await backend.expireAccessTokens();
      const second = await fireBurst(tab, 10);

      const stats = await backend.stats();
      console.log(`expiry right after a refresh: second burst ${count(second, 200)}/10 succeeded, ${stats.refreshRequests} refreshes in all`);
      expect(count(second, 200)).toBe(10);
      expect(stats.refreshRequests).toBe(2);
      expect(stats.sessionsRevoked).toBe(0);
    });
  });
}
