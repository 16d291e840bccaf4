// Two apps on one origin, each with its own broker at its own scope ("/" and "/shop/"), in one
// browser profile: by default each scope has its own database, lock and channel (names from the
// scope; "/" keeps the names of the versions before namespaces). So one app's refresh is heard on
// its own channel only, and each worker counts its own generations: the /shop/ broker's first
// refresh is its generation 1, even after the root broker made one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestBackend } from './test-backend.ts';
import { adopterPage, count, expect, fireBurst, logIn, openControlledTab, sleep, test, type Profile, type Tab } from './fixtures.ts';

const CONFIG = JSON.stringify({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, cooldownMs: 300 });
const PAST_COOLDOWN_MS = 1_000;

test.describe.configure({ timeout: 180_000 });
test.use({ backendFiles: { 'token-broker.json': CONFIG } });

/** A tab at /shop/index.html controlled by the broker registered with scope /shop/ (registered and activated first, from `rootTab`). */
async function openShopTab(profile: Profile, backend: TestBackend, rootTab: Tab): Promise<Tab> {
  mkdirSync(join(backend.staticDir, 'shop'), { recursive: true });
  writeFileSync(join(backend.staticDir, 'shop', 'index.html'), adopterPage('/token-broker.json', ' data-scope="/shop/"'));
  await rootTab.evaluate(async () => {
    const workerUrl = new URL('/token-broker-sw.js', location.href);
    workerUrl.searchParams.set('config', '/token-broker.json');
    const registration = await navigator.serviceWorker.register(workerUrl.href, { scope: '/shop/' });
    const worker = registration.installing ?? registration.waiting ?? registration.active;
    if (worker && worker.state !== 'activated') {
      await new Promise<void>((resolve) => worker.addEventListener('statechange', () => { if (worker.state === 'activated') resolve(); }));
    }
  });
  return openControlledTab(profile, backend, 'shop/index.html');
}

/** Records, in `tab`, what is heard on both brokers' channels; call the result to read it. */
async function listenToBothChannels(tab: Tab): Promise<() => Promise<Record<string, unknown[]>>> {
  await tab.evaluate(() => {
    const heard: Record<string, unknown[]> = { 'token-broker': [], 'token-broker:shop': [] };
    (window as unknown as { heard: typeof heard }).heard = heard;
    for (const name of Object.keys(heard)) new BroadcastChannel(name).onmessage = (event) => heard[name]!.push(event.data);
  });
  return () => tab.evaluate(() => (window as unknown as { heard: Record<string, unknown[]> }).heard);
}

test('two brokers at scopes / and /shop/ keep their own database, lock and channel: each refresh is heard on its own channel, each counts its own generations', async ({ profile, backend }) => {
  const rootTab = await openControlledTab(profile, backend);
  const shopTab = await openShopTab(profile, backend, rootTab);
  const heard = await listenToBothChannels(rootTab);
  await logIn(rootTab);

  await backend.expireAccessTokens();
  await backend.resetCounters();
  const rootBurst = await fireBurst(rootTab, 5);
  await expect.poll(async () => (await heard())['token-broker']!.length, { timeout: 10_000 }).toBe(1);

  await sleep(PAST_COOLDOWN_MS);
  await backend.expireAccessTokens();
  const shopBurst = await fireBurst(shopTab, 5);
  await expect.poll(async () => (await heard())['token-broker:shop']!.length, { timeout: 10_000 }).toBe(1);
  await sleep(500);

  const stats = await backend.stats();
  expect(count(rootBurst, 200)).toBe(5);
  expect(count(shopBurst, 200)).toBe(5);
  expect(stats.refreshRequests).toBe(2);
  expect(stats.reuseDetected).toBe(0);
  // Each refresh on its own app's channel only; the /shop/ broker's first refresh is its own generation 1.
  expect(await heard()).toEqual({
    'token-broker': [{ type: 'refreshed', generation: 1 }],
    'token-broker:shop': [{ type: 'refreshed', generation: 1 }],
  });
  // Two databases: the root's under the name it always had, the shop's under its own.
  const databases = await rootTab.evaluate(async () => (await indexedDB.databases()).map((database) => database.name).sort());
  expect(databases).toEqual(['token-broker', 'token-broker:shop']);
});
