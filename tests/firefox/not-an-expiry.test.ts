import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logIn, openControlledTab, withFirefox } from './firefox.ts';

test('In Firefox, flask-jwt-extended\'s CSRF 401 is not taken for an expiry: no refresh, no replay, the page gets it as it came.', async () => {
  await withFirefox({}, async (run) => {
    const tab = await openControlledTab(run);
    await logIn(tab);
    await run.demo.resetCounters();

    const answer = await tab.evaluate(async () => {
      // A tampered CSRF cookie: the broker stamps what the cookie says (from its own cookieStore,
      // or from the tabs' document.cookie when that store is blind), and the server refuses it.
      document.cookie = 'csrf_access_token=tampered; path=/';
      const response = await fetch('/api/echo', { method: 'POST', body: 'x' });
      return { status: response.status, body: await response.json() as unknown };
    });

    assert.deepEqual(answer, { status: 401, body: { msg: 'CSRF double submit tokens do not match' } });
    const stats = await run.demo.stats();
    assert.equal(stats.refreshRequests, 0);
    assert.equal(stats.apiRequests, 1);
    assert.equal(stats.csrfFailures, 1);
  });
});
