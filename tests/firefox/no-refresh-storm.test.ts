import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logIn, openControlledTab, withFirefox } from './firefox.ts';

test('In Firefox, an endpoint that answers 401 even with fresh credentials gets its 401 after one replay, and no refresh storm.', async () => {
  await withFirefox({}, async (run) => {
    const tab = await openControlledTab(run);
    await logIn(tab);
    await run.demo.resetCounters();

    const statuses = await tab.evaluate(async () => {
      const seen: number[] = [];
      for (let i = 0; i < 5; i += 1) seen.push((await fetch('/api/always-401')).status);
      return seen;
    });

    assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
    const stats = await run.demo.stats();
    // The first 401 may be an expiry: one refresh, one replay. The next ones come right after a
    // refresh, with fresh credentials: not an expiry, no refresh, no replay.
    assert.equal(stats.refreshRequests, 1);
    assert.equal(stats.api401, 6);
    assert.equal(stats.sessionsRevoked, 0);
    // The session is still fine for the endpoints that do accept it.
    assert.equal(await tab.evaluate(async () => (await fetch('/api/whoami')).status), 200);
  });
});
