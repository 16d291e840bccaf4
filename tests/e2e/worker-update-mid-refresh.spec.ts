import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_COOLDOWN_MS } from '../../src/sw/config.ts';
import { markedBurstInPage } from '../shared/marked-burst.ts';
import { adopterPage, count, expect, fireBurst, logIn, openControlledTab, sleep, test, untilRefreshRequests } from './fixtures.ts';
import { expectInside, markOf, markOnServer, refreshSpans, serverEvents } from './server-events.ts';

// The test changes the worker's bytes in its own copy of dist/, so it needs one.
test.use({ backendFiles: { 'update.html': adopterPage('/token-broker.json') } });

// A new version found while the old worker holds a refresh installs at once, but neither engine
// activates it while the old worker has fetch events in flight (Chromium 156, measured here with
// the server's event log: the new worker took control after the refresh's answer, even with a 5 s
// refresh and skipWaiting). So the update lands inside the refresh, the old worker finishes it
// and the requests of that time, and the new worker starts from the generation it left, which
// the next expiry tests: a new worker that read the generation while the refresh was in flight
// would take the refresh it finds in the store for its own and replay with expired credentials.
test('a new worker version installed while a refresh is in flight: one refresh per expiry before and after the takeover, every request succeeds', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend, 'update.html');
  await logIn(tab);
  const firstWorker = await tab.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
  // Long enough that the update surely installs while the server holds the refresh (asserted
  // below), even on a busy machine; within the refresh timeout (10 s).
  await backend.control({ refreshDelayMs: 5_000 });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const beforeUpdate = fireBurst(tab, 10);
  await untilRefreshRequests(backend, 1, 15_000);

  // Deploy a new version (new bytes) and let the page find it; it installs and skips waiting.
  appendFileSync(join(backend.staticDir, 'token-broker-sw.js'), '\n// version 2\n');
  await tab.evaluate(async () => {
    // Listening before the update starts, in the same call, so that no controllerchange is missed.
    (window as unknown as { controllerChanged: Promise<void> }).controllerChanged = new Promise<void>((resolve) => {
      navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true });
    });
    const registration = await navigator.serviceWorker.getRegistration();
    await registration?.update();
    // update() resolves when the install starts; wait until it is over (waiting, or beyond).
    for (let i = 0; i < 200 && registration?.installing; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  });
  await markOnServer(backend, 'the new version is installed');
  const whileWaiting = tab.evaluate(markedBurstInPage, { count: 10, label: 'requests made while the new version waits' });
  await tab.evaluate(() => (window as unknown as { controllerChanged: Promise<void> }).controllerChanged);
  await markOnServer(backend, 'the new worker controls the tab');
  const afterUpdate = await fireBurst(tab, 10);

  // The next expiry is the new worker's own; it comes well after the cooldown (3 s by default),
  // within which a 401 is not taken for an expiry.
  await backend.control({ refreshDelayMs: 0 });
  const firstRefreshEnded = refreshSpans(await serverEvents(backend))[0]!.ended;
  await sleep(Math.max(0, firstRefreshEnded.atMs + DEFAULT_COOLDOWN_MS + 2_000 - Date.now()));
  await backend.expireAccessTokens();
  const nextExpiry = await fireBurst(tab, 10);

  const stats = await backend.stats();
  const events = await serverEvents(backend);
  const [refresh, nextRefresh] = refreshSpans(events);
  console.log(`worker updated mid-refresh: ${count(await beforeUpdate, 200)}/10 before, ${count(await whileWaiting, 200)}/10 while the new version waited, ` +
    `${count(afterUpdate, 200)}/10 after the takeover, ${count(nextExpiry, 200)}/10 at the next expiry; ${stats.refreshRequests} refreshes, ` +
    `${stats.reuseDetected} reuse; the new worker took control ${markOf(events, 'the new worker controls the tab').seq < refresh!.ended.seq ? 'during' : 'after'} the first refresh`);
  expect(firstWorker).toBeTruthy();
  expect(count(await beforeUpdate, 200)).toBe(10);
  expect(count(await whileWaiting, 200)).toBe(10);
  expect(count(afterUpdate, 200)).toBe(10);
  expect(count(nextExpiry, 200)).toBe(10);
  expect(stats.refreshRequests).toBe(2);
  expect(stats.refreshSucceeded).toBe(2);
  expect(stats.reuseDetected).toBe(0);
  // The update installed, and the page made requests, while the server held the first refresh.
  expect(nextRefresh).toBeDefined();
  expectInside(markOf(events, 'the new version is installed'), refresh!);
  expectInside(markOf(events, 'requests made while the new version waits'), refresh!);
});
