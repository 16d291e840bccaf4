import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { adopterPage, count, expect, fireBurst, logIn, openControlledTab, test } from './fixtures.ts';

// The test changes the worker's bytes in its own copy of dist/, so it needs one.
test.use({ backendFiles: { 'update.html': adopterPage('/token-broker.json') } });

test('a new worker version activated while a refresh is in flight and requests are held: still one refresh, every request succeeds', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend, 'update.html');
  await logIn(tab);
  const firstWorker = await tab.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
  await backend.control({ refreshDelayMs: 1_500 });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const beforeUpdate = fireBurst(tab, 10);
  await expect.poll(async () => (await backend.stats()).refreshRequests).toBe(1);

  // Deploy a new version (new bytes) and let the page find it; it installs, skips waiting and
  // claims the tab while the old worker still holds the lock and the refresh.
  appendFileSync(join(backend.staticDir, 'token-broker-sw.js'), '\n// version 2\n');
  const controllerChanged = tab.evaluate(() => new Promise<void>((resolve) => {
    navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true });
  }));
  await tab.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
  await controllerChanged;
  const afterUpdate = await fireBurst(tab, 10);

  const stats = await backend.stats();
  console.log(`worker updated mid-refresh: ${count(await beforeUpdate, 200)}/10 before, ${count(afterUpdate, 200)}/10 after, ` +
    `${stats.refreshRequests} refresh, ${stats.reuseDetected} reuse`);
  expect(firstWorker).toBeTruthy();
  expect(count(await beforeUpdate, 200)).toBe(10);
  expect(count(afterUpdate, 200)).toBe(10);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.reuseDetected).toBe(0);
});
