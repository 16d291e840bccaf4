import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logIn, openControlledTab, withFirefox } from './firefox.ts';

test('In Firefox, requests outside api are untouched and the page\'s own refresh call is not brokered.', async () => {
  await withFirefox({}, async (run) => {
    const tab = await openControlledTab(run);
    await logIn(tab);
    await run.demo.resetCounters();

    const echoed = await tab.evaluate(async () => {
      const response = await fetch('/public/echo-headers', { method: 'POST', body: 'hello' });
      return (await response.json()) as { method: string; headers: Record<string, string> };
    });
    assert.equal(echoed.method, 'POST');
    assert.equal(echoed.headers['x-csrf-token'], undefined);

    // The page's own call to the refresh endpoint is never brokered (no loop, no second refresh).
    const ownRefresh = await tab.evaluate(async () => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrf_refresh_token='))!.split('=')[1]!;
      return (await fetch('/token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': csrf } })).status;
    });
    assert.equal(ownRefresh, 200);
    const stats = await run.demo.stats();
    assert.equal(stats.refreshRequests, 1);
    assert.equal(stats.publicRequests, 1);

    // A brokered request gets the header from the cookie even when the page forgot it.
    const stamped = await tab.evaluate(async () => (await fetch('/api/echo', { method: 'POST', body: 'x' })).status);
    assert.equal(stamped, 200);
    assert.equal((await run.demo.stats()).csrfFailures, 0);
  });
});
