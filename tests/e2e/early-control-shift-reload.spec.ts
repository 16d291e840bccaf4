// A shift-reload loads the page past the active worker (by the Service Worker spec), with an
// access token that expired meanwhile; the app calls its API at load. With data-wait-for-control
// the page is stopped, the worker claims it, and it reloads under the worker: the call is
// brokered. Without it the call goes to the network and the app gets its 401.
import { firstCallOfPage, firstCallPage } from './early-control-pages.ts';
import { expect, logIn, openControlledTab, openTab, requires, test } from './fixtures.ts';

test.use({
  backendFiles: {
    'app-plain.html': firstCallPage(''),
    // 15 s, not the default 5 s: see early-control-first-load.spec.ts.
    'app-wait.html': firstCallPage(' data-wait-for-control="15000"'),
  },
});

test('data-wait-for-control: a shift-reloaded page ends controlled and its first API call is brokered: one refresh, 200', async ({ profile, backend }) => {
  requires(profile, 'reloadBypassingCache');
  // A known defect, open in the adoption issue: in 3 of 5 runs here Chromium's worker could not
  // read csrf_refresh_token (its Cookie Store blind, and the only tab the one reloading, which did
  // not answer the cookie bridge in time): no refresh was sent and the app got its 401. Fixed
  // first, then this runs again.
  // The first load itself waits for control and reloads: let it settle before going on.
  const tab = await openTab(profile, backend, 'app-wait.html');
  expect((await firstCallOfPage(tab, true)).controlled).toBe(true);
  await logIn(tab);
  await backend.expireAccessTokens();
  await backend.resetCounters();

  await profile.devtools!.reloadBypassingCache(tab);
  // The stopped shift-reloaded document never runs the app's script: the first call recorded is
  // the one of the document the option reloaded.
  const firstCall = await firstCallOfPage(tab, true);
  const stats = await backend.stats();
  console.log(`${profile.engine}, shift-reload with data-wait-for-control: ${JSON.stringify(firstCall)}, ${stats.refreshRequests} refresh`);
  expect(firstCall).toEqual({ controlled: true, status: 200, navigation: 'reload' });
  // The stopped shift-reloaded document never made its call.
  expect(stats.apiRequests).toBe(2);
  expect(stats.refreshRequests).toBe(1);
  expect(stats.apiSucceeded).toBe(1);
});

test('without an option a shift-reloaded page\'s first API call goes past the worker: the app gets its 401, nothing refreshes', async ({ profile, backend }) => {
  requires(profile, 'reloadBypassingCache');
  const tab = await openControlledTab(profile, backend, 'app-plain.html');
  await logIn(tab);
  await backend.expireAccessTokens();
  await backend.resetCounters();

  await profile.devtools!.reloadBypassingCache(tab);
  const firstCall = await firstCallOfPage(tab, true);
  expect(firstCall).toEqual({ controlled: false, status: 401, navigation: 'reload' });
  expect((await backend.stats()).refreshRequests).toBe(0);
});
