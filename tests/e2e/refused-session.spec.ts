import { adopterPage, count, expect, fireBurst, listenToBroker, logIn, openControlledTab, sleep, test, type Tab } from './fixtures.ts';
import { BACKEND_KINDS } from './backends.ts';

// Firefox on a loaded machine (load 30 on 2 cores, seen here) takes most of a minute to start a profile.
test.describe.configure({ timeout: 120_000 });

const COOLDOWN_MS = 500;
const ROUNDS = 4;
const ACCESS_TTL_SECONDS = 2;

test.use({
  backendFiles: {
    'refused.json': JSON.stringify({
      preset: 'flask-jwt-extended',
      api: ['/api/'],
      refresh: { url: '/token/refresh' },
      cooldownMs: COOLDOWN_MS,
    }),
    'refused.html': adopterPage('/refused.json'),
  },
});

/** ROUNDS bursts from every tab, each round past the cooldown of the one before. */
async function burstsPastTheCooldown(tabs: Tab[]): Promise<number[]> {
  const statuses: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    statuses.push(...(await Promise.all(tabs.map((tab) => fireBurst(tab, 5)))).flat());
    await sleep(COOLDOWN_MS + 200);
  }
  return statuses;
}

// Against the demo server and the real flask-jwt-extended app (tests/flask).
for (const backendKind of BACKEND_KINDS) {
  test.describe(`${backendKind} backend`, () => {
    test.use({ backendKind });

    test('after the server refuses a refresh, no refresh until a new login, and each tab hears session-expired once; the new login then refreshes as usual', async ({ profile, backend }) => {
      const tabs = [await openControlledTab(profile, backend, 'refused.html'), await openControlledTab(profile, backend, 'refused.html')];
      await logIn(tabs[0]!);
      const heard = await Promise.all(tabs.map((tab) => listenToBroker(tab)));
      await backend.control({ refreshBehavior: 'refuse-401' });
      await backend.expireAccessTokens();
      await backend.resetCounters();

      const ended = await burstsPastTheCooldown(tabs);

      expect(count(ended, 401)).toBe(ROUNDS * 10);
      expect((await backend.stats()).refreshRequests).toBe(1);
      for (const messages of heard) expect(await messages()).toEqual([{ type: 'session-expired' }]);

      // A new login in a tab: new cookies. Its tokens work; at their expiry, one refresh, and it succeeds.
      await backend.control({ refreshBehavior: 'normal' });
      await logIn(tabs[1]!);
      await backend.resetCounters();
      const fresh = await fireBurst(tabs[0]!, 5);
      await backend.expireAccessTokens();
      const expired = (await Promise.all(tabs.map((tab) => fireBurst(tab, 5)))).flat();

      const stats = await backend.stats();
      console.log(`refused session: ${ROUNDS} rounds -> 1 refresh; after a new login: ${count(expired, 200)}/10 succeeded, ${stats.refreshRequests} refresh`);
      expect(count(fresh, 200)).toBe(5);
      expect(count(expired, 200)).toBe(10);
      expect(stats.refreshRequests).toBe(1);
      expect(stats.refreshSucceeded).toBe(1);
      for (const messages of heard) {
        await expect.poll(messages).toEqual([{ type: 'session-expired' }, { type: 'refreshed', generation: 1 }]);
      }
    });

    test('with the access expiry known (refresh ahead), a refused session is not refreshed again at every request', async ({ profile, backend }) => {
      // The app passes max_age (the token's lifetime): the CSRF cookie tells when the access token expires;
      // a 2 s lifetime is inside refreshAheadMs, so every request wants to refresh ahead.
      await backend.control({ cookieMaxAge: 'token-lifetime', accessTtlSeconds: ACCESS_TTL_SECONDS });
      const tab = await openControlledTab(profile, backend, 'refused.html');
      await logIn(tab);
      const loggedInAt = Date.now();
      const heard = await listenToBroker(tab);
      await backend.control({ refreshBehavior: 'refuse-401' });
      await backend.resetCounters();

      const ended = await burstsPastTheCooldown([tab]);
      // Where the worker cannot read the expiry (engines/limits.ts: cookieExpiry) nothing refreshes
      // ahead: the refresh comes with the first 401, so the bursts must go on past the expiry. A
      // fast run ends the rounds before it (seen in WebKit: 20 x 200, no refresh). A JWT's exp is
      // in whole seconds, so the token may live up to a second longer than its lifetime.
      const pastExpiry = loggedInAt + (ACCESS_TTL_SECONDS + 1) * 1000 + 300 - Date.now();
      if (pastExpiry > 0) {
        await sleep(pastExpiry);
        ended.push(...(await fireBurst(tab, 5)));
      }

      const stats = await backend.stats();
      console.log(`refused session, refresh ahead: ${ROUNDS} rounds -> ${stats.refreshRequests} refresh; statuses ${JSON.stringify(ended)}`);
      expect(stats.refreshRequests).toBe(1);
      expect(await heard()).toEqual([{ type: 'session-expired' }]);
    });
  });
}
