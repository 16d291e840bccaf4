import { expect, logIn, openControlledTab, test } from './fixtures.ts';

test('an endpoint that answers 401 even with fresh credentials gets its 401 after one replay, and no refresh storm', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  await backend.resetCounters();

  const statuses = await tab.evaluate(async () => {
    const seen: number[] = [];
    for (let i = 0; i < 5; i += 1) seen.push((await fetch('/api/always-401')).status);
    return seen;
  });

  expect(statuses).toEqual([401, 401, 401, 401, 401]);
  const stats = await backend.stats();
  // The first 401 may be an expiry: one refresh, one replay. The next ones come right after a
  // refresh, with fresh credentials: not an expiry, no refresh, no replay.
  expect(stats.refreshRequests).toBe(1);
  expect(stats.api401).toBe(6);
  expect(stats.sessionsRevoked).toBe(0);
  // The session is still fine for the endpoints that do accept it.
  expect(await tab.evaluate(async () => (await fetch('/api/whoami')).status)).toBe(200);
});
