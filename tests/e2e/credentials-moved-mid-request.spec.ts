import { expect, logIn, openControlledTab, test } from './fixtures.ts';

// Firefox on a loaded machine (load 30 on 2 cores, seen here) takes most of a minute to start a profile.
test.describe.configure({ timeout: 120_000 });

test('a request stamped before a refresh landed and answered "CSRF double submit tokens do not match" after it is replayed once, with no refresh of its own', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  await backend.expireAccessTokens();
  await backend.resetCounters();

  // The POST is stamped now (old CSRF value) and held by the server; meanwhile a GET meets the
  // expiry and the refresh lands; then the server redirects the POST (307), and the browser
  // sends it on with the new access cookie and the old CSRF header: the race made deterministic.
  const raced = tab.evaluate(async () => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrf_access_token='))?.split('=')[1] ?? '';
    const response = await fetch('/api/held-redirect?ms=1500', { method: 'POST', body: 'order 42', headers: { 'X-CSRF-TOKEN': csrf } });
    return { status: response.status, body: await response.json() as unknown };
  });
  await expect.poll(async () => (await backend.stats()).apiRequests).toBe(1);
  const expired = await tab.evaluate(async () => (await fetch('/api/items')).status);
  expect(expired).toBe(200);
  expect((await backend.stats()).refreshSucceeded).toBe(1);

  const answer = await raced;
  const stats = await backend.stats();
  console.log(`credentials moved mid-request: the page saw ${answer.status}; ${stats.csrfFailures} CSRF 401 on the wire, ${stats.refreshRequests} refresh`);
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ method: 'POST', length: 'order 42'.length });
  // The race did happen on the wire, once; the replay fixed it without a refresh of its own.
  expect(stats.csrfFailures).toBe(1);
  expect(stats.refreshRequests).toBe(1);
});
