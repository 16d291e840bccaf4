// flask-jwt-extended's CSRF 401s are not expiries: the broker must hand them back untouched and
// never refresh for them. Against the real library, whose wording the broker's preset matches.
import { expect, logIn, openControlledTab, test } from './fixtures.ts';

// Against the real flask-jwt-extended app (tests/flask), not the demo server's imitation of it.
test.use({ backendKind: 'flask' });

// Starting the real flask app takes seconds (python imports), and on a busy machine a scenario
// in Firefox (a browser per profile) can take most of the default 60 s before that.
test.describe.configure({ timeout: 120_000 });

test('real flask: a CSRF 401 is not taken for an expiry: no refresh, no replay, the page gets it as flask sent it', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  await backend.resetCounters();

  const answer = await tab.evaluate(async () => {
    // A tampered CSRF cookie: the broker stamps what the cookie says, flask refuses it.
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

test('real flask: an expired token with a wrong CSRF value is a CSRF 401 (flask checks CSRF first): no refresh', async ({ profile, backend }) => {
  const tab = await openControlledTab(profile, backend);
  await logIn(tab);
  await backend.expireAccessTokens();
  await backend.resetCounters();

  const answer = await tab.evaluate(async () => {
    document.cookie = 'csrf_access_token=tampered; path=/';
    const response = await fetch('/api/echo', { method: 'PUT', body: 'x' });
    return { status: response.status, body: await response.json() };
  });

  expect(answer).toEqual({ status: 401, body: { msg: 'CSRF double submit tokens do not match' } });
  const stats = await backend.stats();
  expect(stats.refreshRequests).toBe(0);
  expect(stats.api401Expired).toBe(0);
  expect(stats.apiRequests).toBe(1);
});
