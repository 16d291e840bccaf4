import { count, expect, fireBurst, logIn, openControlledTab, requires, test, sleep } from './fixtures.ts';

const ACCESS_TTL_SECONDS = 4;

test('where the access cookie carries its expiry, the broker refreshes just before it and no request meets a 401', async ({ profile, backend }) => {
  requires(profile, 'cookieStoreExpires');
  // flask-jwt-extended with JWT_SESSION_COOKIE = False: cookies get the tokens' lifetimes.
  await backend.control({ sessionCookies: false, accessTtlSeconds: ACCESS_TTL_SECONDS });
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  await backend.resetCounters();

  const statuses: number[] = [];
  // Three expiries, each met by a burst sent within the last 2 s (the default refreshAheadMs).
  for (let expiry = 0; expiry < 3; expiry += 1) {
    const expiresAtMs = await tab.evaluate(async () => {
      const store = (window as unknown as { cookieStore: { get(name: string): Promise<{ expires: number | null } | null> } }).cookieStore;
      return (await store.get('csrf_access_token'))?.expires ?? 0;
    });
    expect(expiresAtMs).toBeGreaterThan(0);
    await sleep(Math.max(0, expiresAtMs - Date.now() - 1_000));
    statuses.push(...await fireBurst(tab, 10));
  }

  const stats = await backend.stats();
  console.log(`refresh ahead: 3 expiries, ${stats.refreshRequests} refreshes, ${stats.api401} 401s on the wire, ` +
    `${count(statuses, 200)}/${statuses.length} succeeded`);
  expect(count(statuses, 200)).toBe(30);
  expect(stats.api401).toBe(0);
  expect(stats.refreshRequests).toBe(3);
});
