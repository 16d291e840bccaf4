// flask-jwt-extended's CSRF 401s are not expiries: the broker must hand them back untouched and
// never refresh for them. Against the demo server and the real library, whose wording the
// broker's preset matches.
import { BACKEND_KINDS } from './backends.ts';
import { expect, logIn, openControlledTab, test } from './fixtures.ts';

// Starting the real flask app takes seconds (python imports), and on a busy machine a scenario in
// Firefox (a browser per profile) can take most of the default 60 s before that.
test.describe.configure({ timeout: 120_000 });

for (const backendKind of BACKEND_KINDS) {
  test.describe(`${backendKind} backend`, () => {
    test.use({ backendKind });

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

    test('an expired token with a wrong CSRF value is a CSRF 401 (flask checks CSRF first): no refresh', async ({ profile, backend }) => {
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
  });
}
