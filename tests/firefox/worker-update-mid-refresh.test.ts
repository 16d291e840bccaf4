import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { adopterPage, count, fireBurst, logIn, openControlledTab, untilRefreshRequests, withFirefox } from './firefox.ts';

// The test changes the worker's bytes in its own copy of dist/, so it asks for one (any file will do).
const FILES = { 'update.html': adopterPage('/token-broker.json') };

test('In Firefox, a new worker version activated while a refresh is in flight and requests are held: still one refresh, every request succeeds.', async () => {
  await withFirefox({ files: FILES }, async (run) => {
    const { demo } = run;
    const tab = await openControlledTab(run, 'update.html');
    await logIn(tab);
    const firstWorker = await tab.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
    await demo.control({ refreshDelayMs: 1_500 });
    await demo.expireAccessTokens();
    await demo.resetCounters();

    const beforeUpdate = fireBurst(tab, 10);
    await untilRefreshRequests(run);

    // Deploy a new version (new bytes) and let the page find it; it installs, skips waiting and
    // claims the tab while the old worker still holds the lock and the refresh.
    appendFileSync(join(demo.staticDir, 'token-broker-sw.js'), '\n// version 2\n');
    const controllerChanged = tab.evaluate(() => new Promise<void>((resolve) => {
      navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true });
    }));
    await tab.evaluate(async () => { await (await navigator.serviceWorker.getRegistration())?.update(); });
    await controllerChanged;
    const afterUpdate = await fireBurst(tab, 10);

    const stats = await demo.stats();
    console.log(`firefox, worker updated mid-refresh: ${count(await beforeUpdate, 200)}/10 before, ${count(afterUpdate, 200)}/10 after, ` +
      `${stats.refreshRequests} refresh, ${stats.reuseDetected} reuse`);
    assert.ok(firstWorker);
    assert.equal(count(await beforeUpdate, 200), 10);
    assert.equal(count(afterUpdate, 200), 10);
    assert.equal(stats.refreshRequests, 1);
    assert.equal(stats.reuseDetected, 0);
  });
});
