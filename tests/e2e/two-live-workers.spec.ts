import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestBackend } from './test-backend.ts';
import { adopterPage, count, expect, fireBurst, logIn, openControlledTab, sleep, test, type Profile, type Tab } from './fixtures.ts';

// Two registrations of the broker on one origin: scope "/" and scope "/app/", each controlling
// its own tab. One app with one session: its config names one namespace ("", the names of the
// scope "/"), so they share the cookie jar, the persisted generation, the lock and the channel,
// but not memory. (Without it, each scope gets names of its own: namespaces.spec.ts.)
// A short cooldown so that the second expiry can come soon after the first refresh without being
// taken for "not an expiry" (that rule is another scenario's).
const CONFIG = JSON.stringify({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, cooldownMs: 300, namespace: '' });
const PAST_COOLDOWN_MS = 1_000;

// Several tabs in Firefox took 60-75 s here on a shared 2-core machine (load 30-45): a bound on
// "nothing hangs", not a measure of speed.
test.describe.configure({ timeout: 180_000 });

test.use({ backendFiles: { 'token-broker.json': CONFIG } });

/** Whether the tab is controlled by the worker of its own registration (the longest matching scope). */
function controlledByOwnRegistration(tab: Tab): Promise<string | undefined> {
  return tab.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    const controller = navigator.serviceWorker.controller;
    return controller && registration?.active === controller ? new URL(registration.scope).pathname : undefined;
  });
}

/**
 * A tab at /app/scoped.html controlled by the broker registered with scope /app/. The registration
 * is made and activated first (from `rootTab`, with the URL the register script would use), so the
 * tab's navigation finds it: no claim from one worker racing another's for the same tab.
 */
async function openAppScopedTab(profile: Profile, backend: TestBackend, rootTab: Tab): Promise<Tab> {
  mkdirSync(join(backend.staticDir, 'app'), { recursive: true });
  writeFileSync(join(backend.staticDir, 'app', 'scoped.html'), adopterPage('/token-broker.json', ' data-scope="/app/"'));
  await rootTab.evaluate(async () => {
    const workerUrl = new URL('/token-broker-sw.js', location.href);
    workerUrl.searchParams.set('config', '/token-broker.json');
    const registration = await navigator.serviceWorker.register(workerUrl.href, { scope: '/app/' });
    const worker = registration.installing ?? registration.waiting ?? registration.active;
    if (worker && worker.state !== 'activated') {
      await new Promise<void>((resolve) => worker.addEventListener('statechange', () => { if (worker.state === 'activated') resolve(); }));
    }
  });
  return openControlledTab(profile, backend, 'app/scoped.html');
}

test('two registrations (scopes / and /app/): the worker that did not make the last refresh still refreshes at the next expiry, and no request of its tab sees a 401', async ({ profile, backend }) => {
  await backend.control({ rotation: true, reuseDetection: true });
  const rootTab = await openControlledTab(profile, backend);
  const appTab = await openAppScopedTab(profile, backend, rootTab);
  expect(await controlledByOwnRegistration(rootTab)).toBe('/');
  expect(await controlledByOwnRegistration(appTab)).toBe('/app/');
  await logIn(rootTab);
  // Both workers have brokered a request, so both hold the generation in memory.
  expect([...await fireBurst(rootTab, 2), ...await fireBurst(appTab, 2)]).toEqual([200, 200, 200, 200]);

  // Expiry 1: the root worker refreshes.
  await backend.expireAccessTokens();
  await backend.resetCounters();
  const rootFirst = await fireBurst(rootTab, 10);
  const afterFirst = await backend.stats();

  // Expiry 2, in the /app/ tab: its worker did not make the last refresh.
  await sleep(PAST_COOLDOWN_MS);
  await backend.expireAccessTokens();
  const appSecond = await fireBurst(appTab, 10);
  const afterSecond = await backend.stats();

  // Expiry 3, back in the root tab: now the root worker did not make the last refresh.
  await sleep(PAST_COOLDOWN_MS);
  await backend.expireAccessTokens();
  const rootThird = await fireBurst(rootTab, 10);
  const afterThird = await backend.stats();
  // Each burst went through its own tab's worker: two workers took part.
  expect(await controlledByOwnRegistration(rootTab)).toBe('/');
  expect(await controlledByOwnRegistration(appTab)).toBe('/app/');

  console.log(`two live workers: root ${count(rootFirst, 200)}/10 (refreshes ${afterFirst.refreshRequests}), ` +
    `app ${count(appSecond, 200)}/10 (refreshes ${afterSecond.refreshRequests}), root ${count(rootThird, 200)}/10 ` +
    `(refreshes ${afterThird.refreshRequests}); ${afterThird.api401} 401s on the wire, ${afterThird.reuseDetected} reuse`);
  expect(count(rootFirst, 200)).toBe(10);
  expect(afterFirst.refreshRequests).toBe(1);
  expect(count(appSecond, 200)).toBe(10);
  expect(afterSecond.refreshRequests).toBe(2);
  expect(count(rootThird, 200)).toBe(10);
  expect(afterThird.refreshRequests).toBe(3);
  expect(afterThird.refreshSucceeded).toBe(3);
  expect(afterThird.reuseDetected).toBe(0);
  expect(afterThird.sessionsRevoked).toBe(0);
});
