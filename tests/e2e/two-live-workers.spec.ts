import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import type { DemoServer } from './demo-server.ts';
import { adopterPage, count, expect, fireBurst, logIn, openControlledTab, test } from './fixtures.ts';

// Two registrations of the broker on one origin: scope "/" and scope "/app/", each controlling
// its own tab. They share the cookie jar, the persisted generation and the lock, but not memory.
// A short cooldown so that the second expiry can come soon after the first refresh without being
// taken for "not an expiry" (that rule is another scenario's).
const CONFIG = JSON.stringify({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, cooldownMs: 300 });
const PAST_COOLDOWN_MS = 1_000;

test.use({ demoFiles: { 'token-broker.json': CONFIG } });

/** Whether the tab is controlled by the worker of its own registration (the longest matching scope). */
function controlledByOwnRegistration(tab: Page): Promise<string | undefined> {
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
async function openAppScopedTab(context: BrowserContext, demo: DemoServer, rootTab: Page): Promise<Page> {
  mkdirSync(join(demo.staticDir, 'app'), { recursive: true });
  writeFileSync(join(demo.staticDir, 'app', 'scoped.html'), adopterPage('/token-broker.json', ' data-scope="/app/"'));
  await rootTab.evaluate(async () => {
    const workerUrl = new URL('/token-broker-sw.js', location.href);
    workerUrl.searchParams.set('config', '/token-broker.json');
    const registration = await navigator.serviceWorker.register(workerUrl.href, { scope: '/app/' });
    const worker = registration.installing ?? registration.waiting ?? registration.active;
    if (worker && worker.state !== 'activated') {
      await new Promise<void>((resolve) => worker.addEventListener('statechange', () => { if (worker.state === 'activated') resolve(); }));
    }
  });
  const tab = await context.newPage();
  await tab.goto(new URL('app/scoped.html', demo.url).href);
  await tab.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 15_000 });
  return tab;
}

test('two registrations (scopes / and /app/): the worker that did not make the last refresh still refreshes at the next expiry, and no request of its tab sees a 401', async ({ context, demo }) => {
  await demo.control({ rotation: true, reuseDetection: true });
  const rootTab = await openControlledTab(context, demo);
  const appTab = await openAppScopedTab(context, demo, rootTab);
  expect(await controlledByOwnRegistration(rootTab)).toBe('/');
  expect(await controlledByOwnRegistration(appTab)).toBe('/app/');
  await logIn(rootTab);
  // Both workers have brokered a request, so both hold the generation in memory.
  expect([...await fireBurst(rootTab, 2), ...await fireBurst(appTab, 2)]).toEqual([200, 200, 200, 200]);

  // Expiry 1: the root worker refreshes.
  await demo.expireAccessTokens();
  await demo.resetCounters();
  const rootFirst = await fireBurst(rootTab, 10);
  const afterFirst = await demo.stats();

  // Expiry 2, in the /app/ tab: its worker did not make the last refresh.
  await new Promise((resolve) => setTimeout(resolve, PAST_COOLDOWN_MS));
  await demo.expireAccessTokens();
  const appSecond = await fireBurst(appTab, 10);
  const afterSecond = await demo.stats();

  // Expiry 3, back in the root tab: now the root worker did not make the last refresh.
  await new Promise((resolve) => setTimeout(resolve, PAST_COOLDOWN_MS));
  await demo.expireAccessTokens();
  const rootThird = await fireBurst(rootTab, 10);
  const afterThird = await demo.stats();
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
