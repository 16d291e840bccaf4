import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abortHeldRequestInPage } from '../shared/naive-page.ts';
import { count, fireBurst, logIn, openControlledTab, sleep, untilRefreshRequests, withFirefox } from './firefox.ts';

test('In Firefox, requests made while a refresh is in flight wait for it instead of going out with dead credentials.', async () => {
  await withFirefox({}, async (run) => {
    const { demo } = run;
    const tab = await openControlledTab(run);
    await logIn(tab);
    await demo.control({ refreshDelayMs: 1_500 });
    await demo.expireAccessTokens();
    await demo.resetCounters();

    const first = tab.evaluate(async () => (await fetch('/api/items')).status);
    await untilRefreshRequests(run);
    const later = await fireBurst(tab, 12);

    assert.equal(await first, 200);
    assert.equal(count(later, 200), 12);
    const stats = await demo.stats();
    assert.equal(stats.refreshRequests, 1);
    // Only the request that discovered the expiry met a 401; the twelve were held, then sent once.
    assert.equal(stats.api401, 1);
    assert.equal(stats.apiRequests, 1 + 1 + 12);
  });
});

// Firefox ESR 153, like Chromium 156, does not pass the page's abort on to the worker (measured
// here with a bare worker too: FetchEvent.request.signal never fires), so a held request the page
// gave up on is still sent after the refresh, once and with fresh credentials, as it would have gone
// out without the broker. What the page can count on: its fetch ends with its own AbortError at
// once, without waiting for the refresh. Should Firefox start passing aborts on, apiRequests drops
// to 2 here, and this test should then assert that the aborted request never reaches the server.
test('In Firefox, a held request that the page aborts ends with the page\'s abort, without waiting for the refresh.', async () => {
  await withFirefox({}, async (run) => {
    const { demo } = run;
    const tab = await openControlledTab(run);
    await logIn(tab);
    await demo.control({ refreshDelayMs: 2_000 });
    await demo.expireAccessTokens();
    await demo.resetCounters();

    const result = await tab.evaluate(abortHeldRequestInPage);
    // Give a held request that was not dropped the time to go out after the refresh.
    await sleep(500);

    const stats = await demo.stats();
    console.log(`firefox, aborted held request: ${result.abortOutcome}, ${stats.apiRequests} api requests on the wire ` +
      `(3: the aborted one went out after the refresh; 2: it was dropped), ${stats.refreshRequests} refresh`);
    assert.deepEqual(result, { abortOutcome: 'AbortError', firstStatusWhenAborted: 0, firstStatus: 200 });
    assert.equal(stats.refreshRequests, 1);
    // The first request's 401, its replay, and the aborted request sent once after the refresh:
    // never with the dead credentials (one 401 only).
    assert.equal(stats.apiRequests, 3);
    assert.equal(stats.api401, 1);
  });
});
