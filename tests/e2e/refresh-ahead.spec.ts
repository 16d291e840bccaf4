import { adopterPage, can, count, expect, fireBurst, logIn, openControlledTab, sleep, test } from './fixtures.ts';

// Every timing here has seconds of margin, none depends on a few milliseconds:
// - a burst "ahead" is sent 2.5 s before the access cookie expires, inside refreshAheadMs (5 s),
//   so it may start up to 2.5 s late or early and still be ahead;
// - a burst "after" is sent 1.5 s after that expiry (a cookie's expiry is kept to the second);
// - where the broker refreshed ahead, the new token then has 8 s left, 3 s more than
//   refreshAheadMs, and the next refresh comes 9.5 s after the last, far from the cooldown (3 s).
const ACCESS_TTL_SECONDS = 12;
const REFRESH_AHEAD_MS = 5_000;
const AHEAD_BY_MS = 2_500;
const AFTER_BY_MS = 1_500;
const EXPIRIES = 3;
const REQUESTS_PER_BURST = 10;

test.use({
  backendFiles: {
    'refresh-ahead.json': JSON.stringify({
      preset: 'flask-jwt-extended',
      api: ['/api/'],
      refresh: { url: '/token/refresh' },
      refreshAheadMs: REFRESH_AHEAD_MS,
      // The readable expiry alone: where the engine gives none, this scenario shows the refresh on
      // the 401 (learning the lifetime instead has its own scenario, learned-lifetime.spec.ts).
      learnLifetime: false,
    }),
    'refresh-ahead.html': adopterPage('/refresh-ahead.json'),
  },
});

interface BurstFigures {
  readonly statuses: number[];
  readonly refreshes: number;
  readonly api401: number;
  readonly apiRequests: number;
}

// An app that passes max_age to flask-jwt-extended's set_*_cookies: the CSRF cookie expires with
// its access token, the one setup where a script can read the token's expiry (see README). Where
// the engine's Cookie Store API gives that expiry, the broker refreshes just before it and no
// request meets a 401; where it does not (engines/limits.ts: cookieExpiry), each expiry costs one
// refresh on its first 401s, and only the requests in flight at that moment meet one, once.
test('where the access cookie carries its expiry, each expiry costs one refresh: ahead of it and without a 401 where the engine reads the expiry, on the first 401s where it cannot', async ({ profile, backend }) => {
  test.setTimeout(150_000);
  await backend.control({ cookieMaxAge: 'token-lifetime', accessTtlSeconds: ACCESS_TTL_SECONDS });
  const tab = await openControlledTab(profile, backend, 'refresh-ahead.html');
  await logIn(tab);
  await backend.resetCounters();
  const knowsExpiry = can(profile, 'cookieExpiry');

  // The engine's claim, checked: the page's Cookie Store API is the worker's.
  const pageSeesExpiry = await tab.evaluate(async () => {
    const store = (window as unknown as { cookieStore?: { get(name: string): Promise<{ expires?: unknown } | null> } }).cookieStore;
    return typeof (await store?.get('csrf_access_token'))?.expires === 'number';
  });
  expect(pageSeesExpiry).toBe(knowsExpiry);

  const burst = async (): Promise<BurstFigures> => {
    const before = await backend.stats();
    const statuses = await fireBurst(tab, REQUESTS_PER_BURST);
    const after = await backend.stats();
    return {
      statuses,
      refreshes: after.refreshRequests - before.refreshRequests,
      api401: after.api401 - before.api401,
      apiRequests: after.apiRequests - before.apiRequests,
    };
  };
  const ahead: BurstFigures[] = [];
  const late: BurstFigures[] = [];
  for (let expiry = 0; expiry < EXPIRIES; expiry += 1) {
    // As the browser's jar keeps it, whatever the engine's Cookie Store API shows.
    const expiresAtMs = (await profile.cookies()).find((cookie) => cookie.name === 'csrf_access_token')?.expiresAtMs;
    expect(expiresAtMs, 'the access CSRF cookie carries its expiry').toBeGreaterThan(Date.now());
    await sleep(Math.max(0, expiresAtMs! - AHEAD_BY_MS - Date.now()));
    ahead.push(await burst());
    await sleep(Math.max(0, expiresAtMs! + AFTER_BY_MS - Date.now()));
    late.push(await burst());
  }

  const stats = await backend.stats();
  const figures = (list: BurstFigures[]) => JSON.stringify(list.map(({ refreshes, api401 }) => [refreshes, api401]));
  console.log(`${profile.engine}, refresh ahead (${knowsExpiry ? 'expiry readable' : 'no expiry in the Cookie Store API'}): ` +
    `[refreshes, 401s] per burst ${AHEAD_BY_MS} ms before each expiry ${figures(ahead)}, ${AFTER_BY_MS} ms after ${figures(late)}; ` +
    `${stats.refreshRequests} refreshes for ${EXPIRIES} expiries, ${stats.api401} 401s on the wire`);

  // Both ways: every request succeeds, one refresh per expiry, never a reuse.
  expect(count([...ahead, ...late].flatMap((figure) => figure.statuses), 200)).toBe(EXPIRIES * 2 * REQUESTS_PER_BURST);
  expect(stats.refreshRequests).toBe(EXPIRIES);
  expect(stats.reuseDetected).toBe(0);
  if (knowsExpiry) {
    // Refreshed by the burst before each expiry, so none met a 401, then or after.
    expect(ahead.map((figure) => figure.refreshes)).toEqual(Array(EXPIRIES).fill(1));
    expect(late.map((figure) => figure.refreshes)).toEqual(Array(EXPIRIES).fill(0));
    expect(stats.api401).toBe(0);
    expect(stats.apiRequests).toBe(EXPIRIES * 2 * REQUESTS_PER_BURST);
  } else {
    // The bursts before expiry went out with live credentials; each burst after it met the expiry:
    // one refresh, a 401 for at most the requests in flight, each replayed once (never a second 401).
    expect(ahead.map(({ refreshes, api401 }) => ({ refreshes, api401 }))).toEqual(Array(EXPIRIES).fill({ refreshes: 0, api401: 0 }));
    expect(late.map((figure) => figure.refreshes)).toEqual(Array(EXPIRIES).fill(1));
    for (const { api401, apiRequests } of late) {
      expect(api401).toBeGreaterThanOrEqual(1);
      expect(api401).toBeLessThanOrEqual(REQUESTS_PER_BURST);
      expect(apiRequests).toBe(REQUESTS_PER_BURST + api401);
    }
  }
});
