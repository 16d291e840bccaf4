import { requestOtherOriginInPage } from '../shared/naive-page.ts';
import { expect, logIn, openControlledTab, requires, test, sleep } from './fixtures.ts';
import { startRecordingOrigin } from './recording-origin.ts';

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

test('no token, cookie value or secret appears in any console line of the pages or the worker, failures included', async ({ profile, backend }) => {
  requires(profile, 'pageConsole');
  const lines = profile.consoleLines;
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  const secrets = (await profile.cookies()).map((c) => c.value).filter((value) => value.length >= 8);
  expect(secrets.length).toBe(4);

  // A successful refresh, a refused one, one that fails, and a broken config's install.
  await backend.expireAccessTokens();
  await tab.evaluate(async () => (await fetch('/api/items')).status);
  await backend.control({ refreshBehavior: 'error-500', refreshDelayMs: 0 });
  await backend.expireAccessTokens();
  await tab.evaluate(async () => (await fetch('/api/items')).status);
  await sleep(3_100); // past the cooldown after a failure
  await backend.control({ refreshBehavior: 'refuse-401' });
  await tab.evaluate(async () => (await fetch('/api/items')).status);
  await tab.evaluate(async () => {
    await navigator.serviceWorker.register('/token-broker-sw.js?config=%2Fno-such-config.json', { scope: '/nowhere/' }).catch(() => undefined);
  });
  await expect.poll(() => lines.some((line) => line.includes('could not load the config'))).toBe(true);

  const allSecrets = [...secrets, ...(await profile.cookies()).map((c) => c.value).filter((value) => value.length >= 8)];
  for (const line of lines) {
    for (const secret of allSecrets) expect(line).not.toContain(secret);
    expect(line).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/); // nothing shaped like a JWT
  }
  expect(lines.length).toBeGreaterThan(0);
});
