// What the vault stops (SECURITY.md, "Bearer mode against RFC 10017"): a script in the page cannot
// read a real token, because none ever reaches the page, and a real token never leaves for an
// origin it was not configured for, whatever the page puts on its requests.
import { expect, test } from './fixtures.ts';
import { requires } from './engines/limits.ts';
import type { Tab } from './fixtures.ts';
import { oidcRefresh } from '../shared/oidc-login.ts';
import {
  BEARER_PAGE, BEARER_TTL_SECONDS, bearerStats, issuedTokens, logInThroughProvider, openBearerTab, resetBearerCounters, setBearerAccessTtl, startApiCalls,
  stopApiCalls, untilInTab, untilMoreRefreshGrants,
} from './bearer-tabs.ts';
import { startRecordingOrigin } from './recording-origin.ts';

test.use({ backendOptions: { recordIssuedTokens: true } });

/** Records the text of every answer the page's fetch hands to the page, from the next load on. */
async function recordPageVisibleAnswers(tab: Tab, url: string): Promise<void> {
  await tab.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { pageVisibleAnswers: string[] }).pageVisibleAnswers = seen;
    const originalFetch = window.fetch;
    window.fetch = async function recordingFetch(this: unknown, ...args: Parameters<typeof fetch>) {
      const response = await originalFetch.apply(this, args);
      response.clone().text().then((text) => seen.push(text), () => undefined);
      return response;
    };
  });
  await tab.goto(url);
}

/** Everything a script of the page could read: the answers it received, and both web storages. */
function pageReadable(tab: Tab): Promise<{ answers: string[]; storage: string }> {
  return tab.evaluate(() => ({
    answers: [...(window as unknown as { pageVisibleAnswers?: string[] }).pageVisibleAnswers ?? []],
    storage: JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }),
  }));
}

test('no real access or refresh token reaches the page: not in an answer it reads, not in its storage, not in a console line', async ({ profile, backend }) => {
  requires(profile, 'initScript'); // the answers the page reads are recorded by a script that runs before its own
  test.setTimeout(120_000);
  await setBearerAccessTtl(backend, BEARER_TTL_SECONDS);
  const pageUrl = new URL(BEARER_PAGE, backend.url).href;
  const first = await openBearerTab(profile, backend, true);
  await recordPageVisibleAnswers(first, pageUrl);
  await logInThroughProvider(first, backend);
  const second = await openBearerTab(profile, backend, true);
  await recordPageVisibleAnswers(second, pageUrl);
  await untilInTab(first, () => (window as unknown as { bearerDemo?: { ready: boolean } }).bearerDemo?.ready === true);
  for (const tab of [first, second]) await startApiCalls(tab, 400);
  // Two expiries: the login's answer and silent renews' answers all went through the page's fetch.
  await untilMoreRefreshGrants(backend, 2);
  for (const tab of [first, second]) await stopApiCalls(tab);

  const real = await issuedTokens(backend);
  expect(real.length).toBeGreaterThanOrEqual(6); // a login and two refreshes: an access and a refresh token each
  const readable = await Promise.all([first, second].map(pageReadable));
  // The recording works: the page did receive token answers (with placeholders in them).
  expect(readable.flatMap((r) => r.answers).some((text) => text.includes('"refresh_token"'))).toBe(true);
  expect(readable.some((r) => r.storage.includes('access_token'))).toBe(true);
  for (const value of real) {
    for (const { answers, storage } of readable) {
      for (const answer of answers) expect(answer).not.toContain(value);
      expect(storage).not.toContain(value);
    }
    for (const line of profile.consoleLines) expect(line).not.toContain(value);
  }
});

test('a real token never reaches another origin, not even on a request where the page puts its own token', async ({ profile, backend }) => {
  const other = await startRecordingOrigin(new URL(backend.url).origin);
  try {
    const tab = await openBearerTab(profile, backend, true);
    await logInThroughProvider(tab, backend);
    const pageToken = await tab.evaluate(async (otherUrl) => {
      const demo = (window as unknown as { bearerDemo: { tokens(): Promise<{ access?: string }> } }).bearerDemo;
      const { access } = await demo.tokens();
      // The same path as the configured API, on another origin: with the page's token, and without one.
      await fetch(new URL('bearer-api/data', otherUrl), { headers: { Authorization: `Bearer ${access}` } }).catch(() => undefined);
      await fetch(new URL('bearer-api/data', otherUrl)).catch(() => undefined);
      await fetch(new URL('oidc/token', otherUrl), {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&refresh_token=x',
      }).catch(() => undefined);
      return access;
    }, other.url);
    expect(other.received.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /bearer-api/data', 'GET /bearer-api/data', 'POST /oidc/token']);
    // The page's own header went as the page wrote it; the broker added or swapped nothing.
    expect(other.received[0]?.headers.authorization).toBe(`Bearer ${pageToken}`);
    expect(other.received[1]?.headers.authorization).toBeUndefined();
    const real = await issuedTokens(backend);
    expect(real.length).toBeGreaterThanOrEqual(2);
    for (const request of other.received) {
      for (const value of real) expect(JSON.stringify(request.headers)).not.toContain(value);
    }
  } finally {
    await other.close();
  }
});

test('what the page holds is worthless outside the worker: its access token is refused by the API, its refresh token by the token endpoint, and nothing is revoked', async ({ profile, backend }) => {
  const tab = await openBearerTab(profile, backend, true);
  await logInThroughProvider(tab, backend);
  // What an injected script takes away: the library's stored user, as any script of the page reads it.
  const stolen = await tab.evaluate(() => {
    const key = Object.keys(localStorage).find((name) => name.startsWith('oidc.user:'));
    const user = key ? (JSON.parse(localStorage.getItem(key) ?? '{}') as { access_token?: string; refresh_token?: string }) : {};
    return { access: user.access_token ?? '', refresh: user.refresh_token ?? '' };
  });
  expect(stolen.access).not.toBe('');
  expect(stolen.refresh).not.toBe('');
  await resetBearerCounters(backend);
  // Used from the attacker's own machine (here, the test runner): no worker to swap them.
  const api = await fetch(new URL('bearer-api/data', backend.url), { headers: { authorization: `Bearer ${stolen.access}` } });
  expect(api.status).toBe(401);
  const grant = await oidcRefresh(backend.url, stolen.refresh);
  expect(grant.status).toBe(400);
  expect(((await grant.json()) as { error?: string }).error).toBe('invalid_grant');
  // The page's session goes on: a placeholder is not a spent refresh token, so nothing was revoked.
  const { oidc } = await bearerStats(backend);
  expect(oidc).toMatchObject({ api401: 1, refreshFailed: 1, reuseDetected: 0, grantsRevoked: 0 });
  expect(await tab.evaluate(async () => {
    const key = Object.keys(localStorage).find((name) => name.startsWith('oidc.user:'));
    const user = JSON.parse(localStorage.getItem(key ?? '') ?? '{}') as { access_token?: string };
    return (await fetch('/bearer-api/data', { headers: { Authorization: `Bearer ${user.access_token}` } })).status;
  })).toBe(200);
});
