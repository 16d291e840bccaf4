import { requestOtherOriginInPage } from '../shared/naive-page.ts';
import { adopterPage, expect, listenToBrokerLog, logIn, openControlledTab, openTab, requires, test, type Profile, type Tab } from './fixtures.ts';
import type { TestBackend } from './test-backend.ts';
import { startRecordingOrigin } from './recording-origin.ts';

// A 1 ms cooldown: the refreshes of the console scenario follow one another within seconds, and
// each must really reach the server (with the default 3 s, the 500 would never be sent).
test.use({
  backendFiles: {
    'outcomes.json': JSON.stringify({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, cooldownMs: 1 }),
    'outcomes.html': adopterPage('/outcomes.json'),
    // A page whose register script refuses its tag (a worker that is not the broker): the page's own failure line.
    'no-worker.html': adopterPage('/outcomes.json', ' data-sw="/no-such-worker.js" data-scope="/nowhere/"'),
  },
});

test('credential headers and refreshes stay on the configured origin: another origin\'s /api/ gets nothing from the broker', async ({ profile, backend }) => {
  const other = await startRecordingOrigin(new URL(backend.url).origin);
  try {
    const tab = await openControlledTab(profile, backend);
    await logIn(tab);
    await backend.resetCounters();

    // Same path prefix as the configured api, other origin: not brokered, so no header stamped,
    // no refresh, and the page's credentials mode is what the browser applies.
    const statuses = await tab.evaluate(requestOtherOriginInPage, other.url);

    expect(statuses).toEqual([401, 401, 401]);
    expect(other.received.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/items', 'POST /api/echo', 'PUT /api/echo']);
    const csrfCookies = (await profile.cookies()).filter((c) => c.name.startsWith('csrf_')).map((c) => c.value);
    for (const request of other.received) {
      // The page's own header passes untouched; the broker's (a cookie's value) never appears.
      expect(request.headers['x-csrf-token'] === undefined || request.headers['x-csrf-token'] === 'page-own-value').toBe(true);
      for (const value of csrfCookies) expect(JSON.stringify(request.headers)).not.toContain(value);
      // Cookies belong to the demo's origin; the other origin never receives them.
      expect(request.headers.cookie).toBeUndefined();
    }
    const stats = await backend.stats();
    expect(stats.refreshRequests).toBe(0);
  } finally {
    await other.close();
  }
});

/**
 * One refresh of each outcome, each reaching the server: one that succeeds, one answered 500,
 * one refused, from `tab` (outcomes.html). Returns the values that must never be logged.
 */
async function everyRefreshOutcome(profile: Profile, backend: TestBackend, tab: Tab): Promise<{ tab: Tab; secrets: string[] }> {
  await logIn(tab);
  const secrets = (await profile.cookies()).map((c) => c.value).filter((value) => value.length >= 8);
  expect(secrets.length).toBe(4);
  await backend.resetCounters();
  const getItems = () => tab.evaluate(async () => (await fetch('/api/items')).status);

  await backend.expireAccessTokens();
  expect(await getItems()).toBe(200);
  await backend.control({ refreshBehavior: 'error-500' });
  await backend.expireAccessTokens();
  expect(await getItems()).toBe(401);
  await backend.control({ refreshBehavior: 'refuse-401' });
  expect(await getItems()).toBe(401);

  // The three refreshes happened: the server answered each (a failure that is never sent logs nothing).
  const stats = await backend.stats();
  expect(stats.refreshRequests).toBe(3);
  expect(stats.refreshSucceeded).toBe(1);
  expect(stats.refreshRefused).toBe(1);
  const allSecrets = [...secrets, ...(await profile.cookies()).map((c) => c.value).filter((value) => value.length >= 8)];
  return { tab, secrets: [...new Set(allSecrets)] };
}

function expectNoSecretIn(lines: readonly string[], secrets: readonly string[]): void {
  for (const line of lines) {
    for (const secret of secrets) expect(line).not.toContain(secret);
    expect(line).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/); // nothing shaped like a JWT
  }
}

test('no token, cookie value or secret appears in any console line of the pages or the worker, failures included', async ({ profile, backend }) => {
  requires(profile, 'pageConsole');
  const lines = profile.consoleLines;
  const { secrets } = await everyRefreshOutcome(profile, backend, await openControlledTab(profile, backend, 'outcomes.html'));
  // A page of ours that fails too, so that every engine has failure lines to check.
  await openTab(profile, backend, 'no-worker.html');

  await expect.poll(() => lines.some((line) => line.startsWith('token-broker: ') && line.endsWith('the broker is not registered'))).toBe(true);
  expectNoSecretIn(lines, secrets);
});

// Only where the engine passes the worker's console lines on (in the others, the test above checks
// the pages' lines only): what the worker said about each refresh and a broken config's install.
test('the worker says on its console how each refresh ended, once per refresh, and never a value', async ({ profile, backend }) => {
  requires(profile, 'workerConsole');
  const lines = profile.consoleLines;
  const { tab, secrets } = await everyRefreshOutcome(profile, backend, await openControlledTab(profile, backend, 'outcomes.html'));
  await registerWorkerWithoutConfig(tab);

  const said = (prefix: string) => lines.filter((line) => line.startsWith(prefix));
  await expect.poll(() => said('token-broker: session expired').length).toBe(1);
  expect(said('token-broker: refreshed')).toEqual(['token-broker: refreshed, credential generation 1']);
  expect(said('token-broker: refresh failed')).toEqual([expect.stringMatching(/^token-broker: refresh failed \(status 500\)/)]);
  await expect.poll(() => lines.some((line) => line.includes('could not load the config'))).toBe(true);
  expectNoSecretIn(lines, secrets);
});

// The same words, heard where every engine can hear them: the worker posts each line it says on
// BroadcastChannel 'token-broker-log' (src/sw/broker-log.ts), which any page of the origin reads.
test('the worker\'s log channel carries how each refresh ended, once per refresh, and a failed config load, never a value, in every engine', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend, 'outcomes.html');
  const heard = await listenToBrokerLog(tab);
  const { secrets } = await everyRefreshOutcome(profile, backend, tab);
  await registerWorkerWithoutConfig(tab);

  await expect.poll(async () => (await heard()).some((line) => line.includes('could not load the config')), { timeout: 10_000 }).toBe(true);
  const lines = await heard();
  expect(lines).toEqual([
    'info token-broker: refreshed, credential generation 1',
    expect.stringMatching(/^warn token-broker: refresh failed \(status 500\)/),
    expect.stringMatching(/^warn token-broker: session expired/),
    expect.stringMatching(/^error token-broker: could not load the config from http:\/\/127\.0\.0\.1:\d+\/no-such-config\.json/),
  ]);
  expectNoSecretIn(lines, secrets);
});

/** A second registration of the broker whose config does not exist: its worker says so and stays off. */
async function registerWorkerWithoutConfig(tab: Tab): Promise<void> {
  await tab.evaluate(async () => {
    await navigator.serviceWorker.register('/token-broker-sw.js?config=%2Fno-such-config.json', { scope: '/nowhere/' }).catch(() => undefined);
  });
}

test('the page\'s own headers reach the server unchanged, on a brokered request and on its replay; only the credential header is the broker\'s', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  await backend.resetCounters();
  const send = (requestId: string) => tab.evaluate(async (id: string) => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrf_access_token='))!.split('=')[1]!;
    const own = { 'X-Request-Id': id, 'X-App-Version': '3.2.1', Accept: 'application/vnd.demo+json', 'Content-Language': 'de' };
    const names = [...Object.keys(own), 'X-CSRF-TOKEN'].join(',');
    const response = await fetch(`/api/echo?headers=${names}`, {
      method: 'PATCH',
      body: '{"a":1}',
      headers: { ...own, 'content-type': 'application/vnd.demo+json', 'X-CSRF-TOKEN': csrf },
    });
    const echo = await response.json() as { contentType: string; headers: Record<string, string | null> };
    return { status: response.status, sentCsrf: csrf, contentType: echo.contentType, headers: echo.headers };
  }, requestId);
  const own = (id: string) => ({ 'x-request-id': id, 'x-app-version': '3.2.1', accept: 'application/vnd.demo+json', 'content-language': 'de' });

  // Sent once, answered at once.
  const first = await send('page-1');
  expect(first.status).toBe(200);
  expect(first.contentType).toBe('application/vnd.demo+json');
  expect(first.headers).toEqual({ ...own('page-1'), 'x-csrf-token': first.sentCsrf });

  // Sent, answered 401, replayed after the refresh: the replay carries the page's headers too,
  // and the CSRF value of the new cookie, not the one the page read before the refresh.
  await backend.expireAccessTokens();
  const replayed = await send('page-2');
  expect(replayed.status).toBe(200);
  expect(replayed.contentType).toBe('application/vnd.demo+json');
  const freshCsrf = (await profile.cookies()).find((c) => c.name === 'csrf_access_token')!.value;
  expect(freshCsrf).not.toBe(replayed.sentCsrf);
  expect(replayed.headers).toEqual({ ...own('page-2'), 'x-csrf-token': freshCsrf });

  const stats = await backend.stats();
  expect(stats.apiRequests).toBe(3);
  expect(stats.api401).toBe(1);
  expect(stats.refreshRequests).toBe(1);
});
