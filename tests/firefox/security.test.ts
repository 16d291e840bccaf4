import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestOtherOriginInPage } from '../shared/naive-page.ts';
import { startRecordingOrigin } from '../e2e/recording-origin.ts';
import { logIn, openControlledTab, withFirefox } from './firefox.ts';

test('In Firefox, credential headers and refreshes stay on the configured origin: another origin\'s /api/ gets nothing from the broker.', async () => {
  await withFirefox({}, async (run) => {
    const other = await startRecordingOrigin(new URL(run.demo.url).origin);
    try {
      const tab = await openControlledTab(run);
      await logIn(tab);
      await run.demo.resetCounters();

      // Same path prefix as the configured api, other origin: not brokered, so no header stamped,
      // no refresh, and the page's credentials mode is what the browser applies.
      const statuses = await tab.evaluate(requestOtherOriginInPage, other.url);

      assert.deepEqual(statuses, [401, 401, 401]);
      assert.deepEqual(other.received.map((r) => `${r.method} ${r.path}`), ['GET /api/items', 'POST /api/echo', 'PUT /api/echo']);
      const csrfCookies = (await run.browser.cookies()).filter((c) => c.name.startsWith('csrf_')).map((c) => c.value);
      assert.equal(csrfCookies.length, 2);
      for (const request of other.received) {
        // The page's own header passes untouched; the broker's (a cookie's value) never appears.
        const header = request.headers['x-csrf-token'];
        assert.ok(header === undefined || header === 'page-own-value', `x-csrf-token: ${String(header)}`);
        for (const value of csrfCookies) assert.ok(!JSON.stringify(request.headers).includes(value));
        // Cookies belong to the demo's origin; the other origin never receives them.
        assert.equal(request.headers.cookie, undefined);
      }
      assert.equal((await run.demo.stats()).refreshRequests, 0);
    } finally {
      await other.close();
    }
  });
});
