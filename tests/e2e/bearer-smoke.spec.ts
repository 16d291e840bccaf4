// Bearer mode end to end, the smallest proof: a naive page logs in against a hand-made JSON
// backend, keeps what it gets in localStorage, and calls the API with it. The worker captures the
// tokens, the page only ever holds placeholders, API requests reach the server with the real
// token, another origin gets only the placeholder, and an expiry costs one refresh.

import { DEFAULT_WAIT_MS } from './engines/engine.ts';
import { expect, requires, sleep, test } from './fixtures.ts';
import { SMOKE_COOLDOWN_MS, startAuthorizationRecorder, startBearerSmokeServer, type BearerSmokeServer } from './bearer-smoke-server.ts';

let server: BearerSmokeServer;
let other: Awaited<ReturnType<typeof startAuthorizationRecorder>>;

test.beforeEach(async () => {
  server = await startBearerSmokeServer();
  other = await startAuthorizationRecorder(new URL(server.url).origin);
});

test.afterEach(async () => {
  await server.close();
  await other.close();
});

test('bearer mode: the page holds placeholders, the API gets the real token, another origin gets the placeholder, and an expiry is one refresh', async ({ profile }) => {
  const tab = await profile.openTab(new URL('bearer.html', server.url).href);
  await tab.waitForFunction(() => !!navigator.serviceWorker.controller, DEFAULT_WAIT_MS);

  // The naive app: log in, keep the tokens in localStorage, send the access token as a bearer.
  const login = await tab.evaluate(async () => {
    const answer = (await (await fetch('/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"user":"ada"}' })).json()) as Record<string, string>;
    localStorage.setItem('session', JSON.stringify(answer));
    return answer;
  });
  expect(login.accessToken).toMatch(/^tb\.placeholder\./);
  expect(login.refreshToken).toMatch(/^tb\.placeholder\./);
  expect(login.user).toBe('ada');

  const callApi = (count: number) => tab.evaluate(async (n: number) => {
    const { accessToken } = JSON.parse(localStorage.getItem('session')!) as { accessToken: string };
    const statuses = await Promise.all(Array.from({ length: n }, (_, i) =>
      fetch(`/api/items/${i}`, { headers: { Authorization: `Bearer ${accessToken}` } }).then((r) => r.status)));
    return statuses;
  }, count);
  expect(await callApi(3)).toEqual([200, 200, 200]);
  const firstAccess = server.issued[0]!;
  expect(server.apiAuthorization).toEqual([`Bearer ${firstAccess}`, `Bearer ${firstAccess}`, `Bearer ${firstAccess}`]);

  // The page sends its token to another origin: what arrives there is the placeholder.
  await tab.evaluate(async (url: string) => {
    const { accessToken } = JSON.parse(localStorage.getItem('session')!) as { accessToken: string };
    await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${accessToken}` } }).catch(() => undefined);
  }, new URL('collect', other.url).href);
  expect(other.received).toEqual([`Bearer ${login.accessToken}`]);

  // Expiry: every request of a burst succeeds, with one refresh at the server, no reuse.
  await sleep(SMOKE_COOLDOWN_MS + 200); // the login's credentials are past the cooldown
  server.expireAccessTokens();
  expect(await callApi(5)).toEqual([200, 200, 200, 200, 200]);
  expect(server.counts.refreshes).toBe(1);
  expect(server.counts.reuseDetected).toBe(0);
  // Each of the 5 requests went out exactly once with the new token (held, or replayed after its
  // 401); concurrent requests may reach the server in any order, so they are counted, not lined up.
  expect(server.apiAuthorization.filter((header) => header === `Bearer ${server.issued[2]}`)).toHaveLength(5);

  // Nothing the page can see holds a real token: its storage, and the console lines.
  const pageVisible = await tab.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  for (const token of server.issued) {
    expect(pageVisible).not.toContain(token);
    expect(profile.consoleLines.join('\n')).not.toContain(token);
  }
});

test('bearer mode: a worker stopped between two expiries keeps the session from IndexedDB and refreshes once with the rotated refresh token', async ({ profile }) => {
  requires(profile, 'stopServiceWorkers');
  const tab = await profile.openTab(new URL('bearer.html', server.url).href);
  await tab.waitForFunction(() => !!navigator.serviceWorker.controller, DEFAULT_WAIT_MS);
  const apiStatus = () => tab.evaluate(async () => (await fetch('/api/me', { headers: { Authorization: 'Bearer from-the-page' } })).status);
  await tab.evaluate(async () => { await fetch('/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }); });
  await sleep(SMOKE_COOLDOWN_MS + 200);

  server.expireAccessTokens();
  expect(await apiStatus()).toBe(200); // first expiry: refreshed by the running worker
  await profile.devtools!.stopServiceWorkers(tab);
  await sleep(SMOKE_COOLDOWN_MS + 200);
  server.expireAccessTokens();
  expect(await apiStatus()).toBe(200); // second expiry: a new worker, the session read back from IndexedDB

  expect(server.counts.refreshes).toBe(2);
  expect(server.counts.reuseDetected).toBe(0);
  expect(server.apiAuthorization.filter((header) => header === 'Bearer from-the-page')).toEqual([]);
  expect(server.apiAuthorization.at(-1)).toBe(`Bearer ${server.issued[4]}`);
});
