import { expect, logIn, openControlledTab, test, requires } from './fixtures.ts';

test('a shift-reloaded page loads without the worker, and the register script has the worker claim it', async ({ profile, backend }) => {
  requires(profile, 'reloadBypassingCache');
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);

  // A shift-reload (reload bypassing the cache) loads the page past the worker, by the spec.
  await tab.addInitScript(() => {
    (window as unknown as { controlledAtLoad: boolean }).controlledAtLoad = !!navigator.serviceWorker.controller;
  });
  await profile.devtools!.reloadBypassingCache(tab);
  expect(await tab.evaluate(() => (window as unknown as { controlledAtLoad: boolean }).controlledAtLoad)).toBe(false);
  await backend.expireAccessTokens();
  await backend.resetCounters();

  // The register script asks the active worker to take the page; until it does, requests go
  // straight to the network and a 401 reaches the page as it would without the broker.
  await tab.waitForFunction(() => !!navigator.serviceWorker.controller, 10_000);
  const status = await tab.evaluate(async () => (await fetch('/api/whoami')).status);
  expect(status).toBe(200);
  expect((await backend.stats()).refreshRequests).toBe(1);
});
