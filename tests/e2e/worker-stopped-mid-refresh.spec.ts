import { count, expect, fireBurst, listenToBroker, logIn, openControlledTab, test, requires } from './fixtures.ts';
import type { TestBackend } from './test-backend.ts';
import type { Profile, Tab } from './fixtures.ts';

/** Expires the session's access token, starts a burst, and stops the worker while the server holds the refresh. */
async function stopWorkerMidRefresh(profile: Profile, backend: TestBackend, tab: Tab): Promise<number[]> {
  await backend.control({ refreshDelayMs: 1_500 });
  await backend.expireAccessTokens();
  await backend.resetCounters();
  const during = fireBurst(tab, 6);
  await expect.poll(async () => (await backend.stats()).refreshRequests).toBe(1);
  // Stop the worker as the browser would, while the refresh is in flight and the lock is held.
  await profile.devtools!.stopServiceWorkers(tab);
  const statuses = await during;
  await backend.control({ refreshDelayMs: 0 });
  return statuses;
}

test('a worker stopped in the middle of a refresh leaves no stuck lock: the next requests succeed with one more refresh', async ({ profile, backend }) => {
  requires(profile, 'stopServiceWorkers');
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  await backend.control({ rotation: false, reuseDetection: false });

  const during = await stopWorkerMidRefresh(profile, backend, tab);
  const after = await fireBurst(tab, 10);

  const stats = await backend.stats();
  console.log(`worker stopped mid-refresh, rotation off: the 6 in flight ended ${JSON.stringify(during)}; ` +
    `after: ${count(after, 200)}/10 succeeded, ${stats.refreshRequests} refreshes in all`);
  // The requests the dead worker held end (with their 401, from the network), none hangs.
  expect(during.every((status) => status === 401 || status === 200)).toBe(true);
  expect(count(after, 200)).toBe(10);
  expect(stats.refreshRequests).toBe(2);
  expect(stats.reuseDetected).toBe(0);
  expect(stats.sessionsRevoked).toBe(0);
});

// With rotation, the answer that carried the rotated refresh token died with the worker (Chromium
// does not finish it, measured here, not even with keepalive), and the server had already spent the old
// token: the next refresh is a reuse and a careful server ends the session. No client can avoid
// that; what the broker guarantees is that the lock is free, nothing hangs, and the tabs are told.
test('a worker stopped mid-refresh under rotation: the lock is free, nothing hangs, and the tabs hear the session end', async ({ profile, backend }) => {
  requires(profile, 'stopServiceWorkers');
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);

  const heard = await listenToBroker(tab);
  const during = await stopWorkerMidRefresh(profile, backend, tab);
  const after = await fireBurst(tab, 10);

  const stats = await backend.stats();
  console.log(`worker stopped mid-refresh, rotation on: the 6 in flight ended ${JSON.stringify(during)}; after: ${count(after, 401)}/10 ended 401, ` +
    `${stats.refreshRequests} refreshes, ${stats.reuseDetected} reuse detected by the server`);
  expect(count(during, 401)).toBe(6);
  expect(count(after, 401)).toBe(10);
  expect(stats.refreshRequests).toBe(2);
  // The second refresh presented the refresh token the first one had spent: the server saw the
  // reuse and revoked the session, and refused it for that, not for anything else (a CSRF value).
  expect(stats.reuseDetected).toBe(1);
  expect(stats.sessionsRevoked).toBe(1);
  expect(stats.csrfFailures).toBe(0);
  await expect.poll(heard).toEqual([{ type: 'session-expired' }]);
});
