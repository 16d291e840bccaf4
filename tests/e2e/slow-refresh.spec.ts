import { adopterPage, count, expect, fireBurst, listenToBroker, logIn, openControlledTab, test } from './fixtures.ts';

const REFRESH_TIMEOUT_MS = 1_500;
const COOLDOWN_MS = 500;
// Far past the timeout and the cooldown: a burst can come in between, while the refresh runs on.
const REFRESH_DELAY_MS = 6_000;

test.use({
  demoFiles: {
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

test('a refresh slower than its timeout: the requests get their 401 at the timeout, the refresh finishes, no second refresh, the session lives', async ({ context, demo }) => {
  const tab = await openControlledTab(context, demo, 'slow-refresh.html');
  await logIn(tab);
  const heard = await listenToBroker(tab);
  // The server rotates the refresh token at once and answers only after REFRESH_DELAY_MS: an
  // answer thrown away leaves the browser with a spent token, and reuse detection ends the session.
  await demo.control({ rotation: true, reuseDetection: true, refreshDelayMs: REFRESH_DELAY_MS });
  await demo.expireAccessTokens();
  await demo.resetCounters();

  const started = Date.now();
  const first = await fireBurst(tab, 10);
  const firstEndedMs = Date.now() - started;
  expect(count(first, 401)).toBe(10);
  expect(firstEndedMs).toBeLessThan(REFRESH_TIMEOUT_MS + 3_000);
  await expect.poll(heard).toEqual([{ type: 'refresh-failed', reason: 'timeout' }]);

  // Past the cooldown, while the refresh still runs: these 401s must not send another refresh.
  await tab.waitForTimeout(COOLDOWN_MS + 200);
  const statsMidway = await demo.stats();
  expect(statsMidway.refreshSucceeded).toBe(0); // the refresh is still running
  const during = await fireBurst(tab, 10);
  expect(during.every((status) => status === 401 || status === 200)).toBe(true);

  // The late answer is kept: new cookies, a new generation, the tabs told.
  await expect.poll(async () => (await demo.stats()).refreshSucceeded, { timeout: REFRESH_DELAY_MS + 5_000 }).toBe(1);
  await expect.poll(heard, { timeout: 5_000 }).toContainEqual({ type: 'refreshed', generation: 1 });
  await demo.control({ refreshDelayMs: 0 });
  const after = await fireBurst(tab, 10);

  const stats = await demo.stats();
  console.log(`refresh slower than its timeout: first burst ended after ${firstEndedMs} ms with ${count(first, 401)} x 401; ` +
    `during: ${JSON.stringify(during)}; after: ${count(after, 200)}/10 succeeded; ${stats.refreshRequests} refresh, ` +
    `${stats.reuseDetected} reuse`);
  expect(count(after, 200)).toBe(10);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.reuseDetected).toBe(0);
  expect(stats.sessionsRevoked).toBe(0);
});
