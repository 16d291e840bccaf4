import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adopterPage, count, fireBurst, listenToBroker, logIn, openControlledTab, pollUntil, withFirefox } from './firefox.ts';

const FILES = {
  'short-timeout.json': JSON.stringify({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, refreshTimeoutMs: 1_500 }),
  'short-timeout.html': adopterPage('/short-timeout.json'),
};

test('In Firefox, a refused refresh gives every request its original 401 and every tab hears session-expired.', async () => {
  await withFirefox({ files: FILES }, async (run) => {
    const { demo } = run;
    const tabs = [await openControlledTab(run, 'short-timeout.html'), await openControlledTab(run, 'short-timeout.html')];
    await logIn(tabs[0]!);
    const heard = await Promise.all(tabs.map((tab) => listenToBroker(tab)));
    await demo.control({ refreshBehavior: 'refuse-401' });
    await demo.expireAccessTokens();
    await demo.resetCounters();

    const statuses = (await Promise.all(tabs.map((tab) => fireBurst(tab, 10)))).flat();
    const body = await tabs[0]!.evaluate(async () => (await fetch('/api/items')).json() as Promise<unknown>);

    assert.equal(count(statuses, 401), 20);
    assert.deepEqual(body, { msg: 'Token has expired' });
    const stats = await demo.stats();
    assert.equal(stats.refreshRequests, 1);
    for (const messages of heard) {
      const seen = await pollUntil(messages, (list) => list.length > 0);
      assert.deepEqual(seen, [{ type: 'session-expired' }]);
    }
    console.log(`firefox, refused refresh: ${count(statuses, 401)}/20 requests ended with their 401, ` +
      `${stats.refreshRequests} refresh, ${heard.length} tabs heard session-expired`);
  });
});
