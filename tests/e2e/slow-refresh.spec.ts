import { adopterPage, count, expect, fireBurst, listenToBroker, logIn, openControlledTab, sleep, test } from './fixtures.ts';
import { BACKEND_KINDS } from './backends.ts';

// Firefox on a loaded machine (load 30 on 2 cores, seen here) takes most of a minute to start a profile.
test.describe.configure({ timeout: 120_000 });

const REFRESH_TIMEOUT_MS = 1_500;
const COOLDOWN_MS = 500;
// Far past the timeout and the cooldown (with room for a loaded machine): a burst can come in
// between, while the refresh runs on.
const REFRESH_DELAY_MS = 10_000;

test.use({
  backendFiles: {
    'slow-refresh.json': JSON.stringify({
      preset: 'flask-jwt-extended',
      api: ['/api/'],
      refresh: { url: '/token/refresh' },
      refreshTimeoutMs: REFRESH_TIMEOUT_MS,
      cooldownMs: COOLDOWN_MS,
    }),
    'slow-refresh.html': adopterPage('/slow-refresh.json'),
  },
});

// Against the demo server and the real flask-jwt-extended app (tests/flask).
for (const backendKind of BACKEND_KINDS) {
  test.describe(`${backendKind} backend`, () => {
    test.use({ backendKind });

    test('a refresh slower than its timeout: the requests get their 401 at the timeout, the refresh finishes, no second refresh, the session lives', async ({ profile, backend }) => {
      const tab = await openControlledTab(profile, backend, 'slow-refresh.html');
      await logIn(tab);
      const heard = await listenToBroker(tab);
      // The server rotates the refresh token at once and answers only after REFRESH_DELAY_MS: an
      // answer thrown away leaves the browser with a spent token, and reuse detection ends the session.
      await backend.control({ rotation: true, reuseDetection: true, refreshDelayMs: REFRESH_DELAY_MS });
      await backend.expireAccessTokens();
      await backend.resetCounters();

      const started = Date.now();
      const first = await fireBurst(tab, 10);
      const firstEndedMs = Date.now() - started;
      expect(count(first, 401)).toBe(10);
      expect(firstEndedMs).toBeLessThan(REFRESH_TIMEOUT_MS + 5_000);
      await expect.poll(heard).toEqual([{ type: 'refresh-failed', reason: 'timeout' }]);

      // Past the cooldown, while the refresh still runs: these 401s must not send another refresh.
      await sleep(COOLDOWN_MS + 200);
      const statsMidway = await backend.stats();
      expect(statsMidway.refreshSucceeded).toBe(0); // the refresh is still running
      const during = await fireBurst(tab, 10);
      expect(during.every((status) => status === 401 || status === 200)).toBe(true);

      // The late answer is kept: new cookies, a new generation, the tabs told.
      await expect.poll(async () => (await backend.stats()).refreshSucceeded, { timeout: REFRESH_DELAY_MS + 5_000 }).toBe(1);
      await expect.poll(heard, { timeout: 5_000 }).toContainEqual({ type: 'refreshed', generation: 1 });
      await backend.control({ refreshDelayMs: 0 });
      const after = await fireBurst(tab, 10);

      const stats = await backend.stats();
      console.log(`refresh slower than its timeout: first burst ended after ${firstEndedMs} ms with ${count(first, 401)} x 401; ` +
        `during: ${JSON.stringify(during)}; after: ${count(after, 200)}/10 succeeded; ${stats.refreshRequests} refresh, ` +
        `${stats.reuseDetected} reuse`);
      expect(count(after, 200)).toBe(10);
      expect(stats.refreshRequests).toBe(1);
      expect(stats.reuseDetected).toBe(0);
      expect(stats.sessionsRevoked).toBe(0);
    });
  });
}
