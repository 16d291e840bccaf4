import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cookieExpiresAtMs, count, countCookieQuestions, fireBurst, logIn, openControlledTab, sleep, withFirefox } from './firefox.ts';

// One second longer than in Chromium, so that the burst sent after the old expiry stays clear of
// refreshAheadMs (2 s) of a token refreshed ahead.
const ACCESS_TTL_SECONDS = 5;
const EXPIRIES = 3;
const REQUESTS_PER_BURST = 10;

// The broker reads the access cookie's expiry through the worker's own cookieStore. Where that
// gives it, a burst in the last second before expiry refreshes ahead and none meets a 401; where it
// does not (Firefox ESR 153's cookieStore gives only name and value, measured here in the page; a
// blind store is answered by the tabs' document.cookie, which has no expiry either), the broker
// refreshes on the first 401 after expiry. Each expiry is met twice, in the last second before it
// and 1.2 s after it (Firefox keeps a cookie's expiry to the whole second, and the JWT's exp is in
// seconds too), so that either way it costs exactly one refresh and every request succeeds.
test('In Firefox, with access cookies that carry their expiry, each expiry costs one refresh and every request succeeds.', async () => {
  await withFirefox({}, async (run) => {
    const { demo } = run;
    // flask-jwt-extended with JWT_SESSION_COOKIE = False: cookies get the tokens' lifetimes.
    await demo.control({ sessionCookies: false, accessTtlSeconds: ACCESS_TTL_SECONDS });
    const tab = await openControlledTab(run);
    await logIn(tab);
    await demo.resetCounters();
    const questions = await countCookieQuestions(tab);
    // What the page's own cookieStore shows of the cookie: a hint of what the worker's shows.
    const pageCookie = await tab.evaluate(async () => {
      const store = (window as unknown as { cookieStore?: { get(name: string): Promise<object | null> } }).cookieStore;
      if (!store) return 'no cookieStore';
      const cookie = await store.get('csrf_access_token');
      return cookie ? `keys ${Object.keys(cookie).join(',')}, expires ${String((cookie as { expires?: unknown }).expires)}` : 'no cookie';
    });

    const statuses: number[] = [];
    const ahead401s: number[] = [];
    for (let expiry = 0; expiry < EXPIRIES; expiry += 1) {
      // As the browser keeps it (over BiDi), whatever the page's or the worker's cookieStore shows.
      const expiresAtMs = await cookieExpiresAtMs(run, 'csrf_access_token');
      assert.ok(expiresAtMs !== undefined && expiresAtMs > Date.now(), 'the access CSRF cookie carries its expiry');
      const before = (await demo.stats()).api401;
      await sleep(Math.max(0, expiresAtMs - Date.now() - 1_000));
      statuses.push(...await fireBurst(tab, REQUESTS_PER_BURST));
      ahead401s.push((await demo.stats()).api401 - before);
      await sleep(Math.max(0, expiresAtMs - Date.now() + 1_200));
      statuses.push(...await fireBurst(tab, REQUESTS_PER_BURST));
    }

    const stats = await demo.stats();
    const asked = await questions();
    console.log(`firefox, refresh ahead: ${EXPIRIES} expiries, ${stats.refreshRequests} refreshes, ${stats.api401} 401s on the wire ` +
      `(${JSON.stringify(ahead401s)} before each expiry), ${count(statuses, 200)}/${statuses.length} succeeded; ` +
      `worker's cookieStore ${asked > 0 ? `blind (${asked} questions to the tab)` : 'sees the cookies'}, ` +
      `page's cookieStore gives ${pageCookie}`);
    assert.equal(count(statuses, 200), EXPIRIES * 2 * REQUESTS_PER_BURST);
    assert.equal(stats.refreshRequests, EXPIRIES);
    assert.equal(stats.reuseDetected, 0);
  });
});
