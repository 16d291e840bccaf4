// The scenarios of refresh-without-csrf.spec.ts (demo server) and flask-refresh-without-csrf.spec.ts
// (the real flask-jwt-extended): written once, run against both backends.
//
// A refresh the server refuses for its CSRF header never looked at the refresh token: the session
// lives on. The broker must neither send a refresh whose CSRF cookie it cannot read, nor take
// flask's CSRF refusal of a refresh ("Missing CSRF token", "CSRF double submit tokens do not
// match") for an ended session. Either way the tabs hear refresh-failed, and the refresh token
// still works.

import { expect, listenToBroker, logIn, openControlledTab, type Profile, type Tab } from './fixtures.ts';
import type { TestBackend } from './test-backend.ts';

async function csrfRefreshValue(profile: Profile): Promise<string> {
  const cookie = (await profile.cookies()).find((c) => c.name === 'csrf_refresh_token');
  if (!cookie) throw new Error('no csrf_refresh_token after login');
  return cookie.value;
}

/**
 * The session is alive: the refresh token was neither spent nor revoked. Shown by the app's own
 * refresh call with the right CSRF value (the refresh URL is never brokered), so that it does not
 * depend on when the broker may try again after a failure.
 */
async function expectSessionAlive(tab: Tab, backend: TestBackend, csrfRefresh: string): Promise<void> {
  await tab.evaluate((value) => { document.cookie = `csrf_refresh_token=${value}; path=/`; }, csrfRefresh);
  await backend.resetCounters();
  expect(await tab.evaluate(async (value) => (await fetch('/token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': value } })).status, csrfRefresh)).toBe(200);
  expect(await tab.evaluate(async () => (await fetch('/api/whoami')).status)).toBe(200);
  const stats = await backend.stats();
  expect(stats.refreshSucceeded).toBe(1);
  expect(stats.reuseDetected).toBe(0);
  expect(stats.sessionsRevoked).toBe(0);
}

export const UNREADABLE_CSRF = 'a refresh whose CSRF cookie cannot be read is not sent: the tabs hear refresh-failed, and the session lives on';
export async function unreadableCsrfScenario({ profile, backend }: { profile: Profile; backend: TestBackend }): Promise<void> {
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  const csrfRefresh = await csrfRefreshValue(profile);
  const heard = await listenToBroker(tab);
  // The worker reads nothing for it (as when its cookie store is blind and no tab answers in time).
  await tab.evaluate(() => { document.cookie = 'csrf_refresh_token=; path=/; max-age=0'; });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  expect(await tab.evaluate(async () => (await fetch('/api/whoami')).status)).toBe(401);
  await expect.poll(heard, { timeout: 15_000 }).toContainEqual(expect.objectContaining({ type: 'refresh-failed' }));
  expect(await heard()).not.toContainEqual(expect.objectContaining({ type: 'session-expired' }));
  expect((await backend.stats()).refreshRequests).toBe(0);

  await expectSessionAlive(tab, backend, csrfRefresh);
}

export const REFUSED_CSRF = 'a refresh refused for its CSRF value is a failed refresh, not an ended session';
export async function refusedCsrfScenario({ profile, backend }: { profile: Profile; backend: TestBackend }): Promise<void> {
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  const csrfRefresh = await csrfRefreshValue(profile);
  const heard = await listenToBroker(tab);
  // A stale value (a lagging cookie copy, a same-named cookie left by a deploy).
  await tab.evaluate(() => { document.cookie = 'csrf_refresh_token=stale-value; path=/'; });
  await backend.expireAccessTokens();
  await backend.resetCounters();

  expect(await tab.evaluate(async () => (await fetch('/api/whoami')).status)).toBe(401);
  await expect.poll(heard, { timeout: 15_000 }).toContainEqual(expect.objectContaining({ type: 'refresh-failed' }));
  expect(await heard()).not.toContainEqual(expect.objectContaining({ type: 'session-expired' }));
  const stats = await backend.stats();
  expect(stats.refreshRequests).toBe(1);
  expect(stats.csrfFailures).toBe(1);

  await expectSessionAlive(tab, backend, csrfRefresh);
}
