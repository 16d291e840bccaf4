import { expect, logIn, openControlledTab, test } from './fixtures.ts';

test('flask-jwt-extended\'s CSRF 401 is not taken for an expiry: no refresh, no replay, the page gets it as it came', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  await backend.resetCounters();

  const answer = await tab.evaluate(async () => {
    // A tampered CSRF cookie: the broker stamps what the cookie says, the server refuses it.
    document.cookie = 'csrf_access_token=tampered; path=/';
    const response = await fetch('/api/echo', { method: 'POST', body: 'x' });
    return { status: response.status, body: await response.json() };
  });

  expect(answer).toEqual({ status: 401, body: { msg: 'CSRF double submit tokens do not match' } });
  const stats = await backend.stats();
  expect(stats.refreshRequests).toBe(0);
  expect(stats.apiRequests).toBe(1);
  expect(stats.csrfFailures).toBe(1);
});
