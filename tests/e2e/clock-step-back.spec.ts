import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { adopterPage, count, expect, fireBurst, logIn, openControlledTab, test } from './fixtures.ts';

// Firefox on a loaded machine (load 30 on 2 cores, seen here) takes most of a minute to start a profile.
test.describe.configure({ timeout: 120_000 });

test.use({
  backendFiles: {
    // Status-only: every 401 is presumed an expiry, and only the cooldown tells one from a
    // permission 401, so only the clock decides whether it is refreshed.
    'status-only.json': JSON.stringify({
      preset: 'flask-jwt-extended',
      api: ['/api/'],
      refresh: { url: '/token/refresh' },
      expiredWhen: { status: [401] },
    }),
    'status-only.html': adopterPage('/status-only.json'),
  },
});

const HOUR_MS = 3_600_000;

test('after the wall clock steps back, a real expiry is still refreshed: a refresh time "in the future" is no cooldown', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend, 'status-only.html');
  await logIn(tab);
  await backend.expireAccessTokens();
  const first = await fireBurst(tab, 5);
  expect(count(first, 200)).toBe(5);

  // The record of that refresh, as a worker whose clock was an hour ahead wrote it: the wall
  // clock has since stepped back by an hour (NTP, a resume, a manual change).
  const record = await tab.evaluate(async (hourMs) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('token-broker');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const store = () => db.transaction('state', 'readwrite').objectStore('state');
    const current = await new Promise<{ generation: number; refreshedAtMs: number }>((resolve) => {
      const get = store().get('credential-generation');
      get.onsuccess = () => resolve(get.result);
    });
    const stepped = { ...current, refreshedAtMs: Date.now() + hourMs };
    await new Promise((resolve) => { store().put(stepped, 'credential-generation').onsuccess = resolve; });
    db.close();
    return stepped;
  }, HOUR_MS);
  expect(record.generation).toBe(1);

  // A new worker reads that record: a new version deployed, installed, and claiming the tab.
  appendFileSync(join(backend.staticDir, 'token-broker-sw.js'), '\n// version 2\n');
  const controllerChanged = tab.evaluate(() => new Promise<void>((resolve) => {
    navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true });
  }));
  await tab.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
  await controllerChanged;
  await backend.expireAccessTokens();
  await backend.resetCounters();
  const second = await fireBurst(tab, 5);

  const stats = await backend.stats();
  console.log(`clock stepped back an hour: ${count(second, 200)}/5 succeeded, ${stats.refreshRequests} refresh`);
  expect(count(second, 200)).toBe(5);
  expect(stats.refreshRequests).toBe(1);
});
