// "debug": true: the worker says on its console what it decided for each brokered request
// (passed through, refreshing, held, replayed) with the URL's path only, and never a credential:
// no cookie value, no CSRF header value, no query. The worker's console reaches the test in
// Chromium only (engines/limits.ts: workerConsole).
import { adopterPage, count, expect, fireBurst, logIn, openControlledTabs, requires, test } from './fixtures.ts';

const CONFIG = JSON.stringify({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, debug: true });
const SECRET_QUERY = 'api_key=query-secret-42';

test.describe.configure({ timeout: 120_000 });
test.use({ backendFiles: { 'debug.json': CONFIG, 'debug.html': adopterPage('/debug.json') } });

test('with "debug": true the worker logs each decision with short URLs and no credential value', async ({ profile, backend }) => {
  requires(profile, 'workerConsole');
  const tabs = await openControlledTabs(profile, backend, 2, 'debug.html');
  await logIn(tabs[0]!);
  expect(await tabs[0]!.evaluate((query) => fetch(`/api/whoami?${query}`).then((r) => r.status), SECRET_QUERY)).toBe(200);
  await backend.expireAccessTokens();
  const statuses = (await Promise.all(tabs.map((tab) => fireBurst(tab, 10)))).flat();
  expect(count(statuses, 200)).toBe(20);
  expect((await backend.stats()).refreshRequests).toBe(1);

  const cookies = await tabs[0]!.evaluate(() => document.cookie);
  const values = cookies.split('; ').map((pair) => pair.slice(pair.indexOf('=') + 1)).filter((value) => value.length >= 8);
  const lines = () => profile.consoleLines.filter((line) => line.startsWith('token-broker: '));
  await expect.poll(() => lines().filter((line) => line.startsWith('token-broker: replayed ')).length, { timeout: 10_000 }).toBeGreaterThan(0);
  const all = lines();
  console.log(`debug lines: ${all.length}, e.g.\n  ${all.slice(0, 6).join('\n  ')}`);
  expect(all).toContain('token-broker: passed through GET /api/whoami (200, generation 0)');
  expect(all.some((line) => /^token-broker: refreshing (GET|POST|PUT) \/api\/\S+ \(401, generation 0, positive expiry\)$/.test(line))).toBe(true);
  expect(all.some((line) => /^token-broker: replayed (GET|POST|PUT) \/api\/\S+ \(200, generation 1\)$/.test(line))).toBe(true);
  // No line holds a secret: not the query, and not one cookie value of the session (CSRF values included).
  expect(values.length).toBeGreaterThan(0);
  for (const line of all) {
    expect(line).not.toContain('query-secret');
    for (const value of values) expect(line).not.toContain(value);
  }
});
