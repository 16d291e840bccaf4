// The cookies' lifetimes, as flask-jwt-extended 4.x sets them: set_access_cookies and
// set_refresh_cookies pass `max_age or config.cookie_max_age`, where cookie_max_age is None with
// JWT_SESSION_COOKIE (the default) and 31540000 (one year) without it. Only an app that passes
// max_age itself gives the cookies the tokens' lifetimes, and then JWT_SESSION_COOKIE is ignored.
import { describe, expect, it } from 'vitest';
import { makeClient, type TestClient } from './helpers.ts';

const ONE_YEAR_SECONDS = 31_540_000;
const ACCESS_TTL_SECONDS = 45;
const REFRESH_TTL_SECONDS = 7200;

function attributesByCookie(response: Response): Map<string, string> {
  return new Map(response.headers.getSetCookie().map((line) => [line.slice(0, line.indexOf('=')), line]));
}

function maxAgeOf(line: string | undefined): number | undefined {
  const match = /;\s*Max-Age=(\d+)/i.exec(line ?? '');
  return match ? Number(match[1]) : undefined;
}

function expiresOf(line: string | undefined): number | undefined {
  const match = /;\s*Expires=([^;]+)/i.exec(line ?? '');
  return match ? Date.parse(match[1] ?? '') : undefined;
}

async function loginAndRefresh(client: TestClient): Promise<Response[]> {
  const login = await client.login();
  const refresh = await client.refresh();
  expect([login.status, refresh.status]).toEqual([200, 200]);
  return [login, refresh];
}

describe('cookie lifetimes', () => {
  it('sets session cookies by default (JWT_SESSION_COOKIE = True): no Max-Age, no Expires', async () => {
    const client = makeClient({ accessTtlSeconds: ACCESS_TTL_SECONDS });
    for (const response of await loginAndRefresh(client)) {
      for (const line of response.headers.getSetCookie()) expect(line).not.toMatch(/Max-Age|Expires/i);
    }
  });

  it('gives every cookie one year, not the token lifetime, when session cookies are off and the app passes no max_age', async () => {
    const client = makeClient({ sessionCookies: false, accessTtlSeconds: ACCESS_TTL_SECONDS, refreshTtlSeconds: REFRESH_TTL_SECONDS });
    for (const response of await loginAndRefresh(client)) {
      const cookies = attributesByCookie(response);
      expect(cookies.size).toBe(4);
      for (const line of cookies.values()) expect(maxAgeOf(line)).toBe(ONE_YEAR_SECONDS);
    }
  });

  it('gives the cookies the tokens lifetimes when the app passes max_age, whatever JWT_SESSION_COOKIE says', async () => {
    for (const sessionCookies of [true, false]) {
      const client = makeClient({
        sessionCookies,
        cookieMaxAge: 'token-lifetime',
        accessTtlSeconds: ACCESS_TTL_SECONDS,
        refreshTtlSeconds: REFRESH_TTL_SECONDS,
      });
      const [login] = await loginAndRefresh(client);
      const cookies = attributesByCookie(login!);
      expect(maxAgeOf(cookies.get('access_token_cookie'))).toBe(ACCESS_TTL_SECONDS);
      expect(maxAgeOf(cookies.get('csrf_access_token'))).toBe(ACCESS_TTL_SECONDS);
      expect(maxAgeOf(cookies.get('refresh_token_cookie'))).toBe(REFRESH_TTL_SECONDS);
      expect(maxAgeOf(cookies.get('csrf_refresh_token'))).toBe(REFRESH_TTL_SECONDS);
    }
  });

  it('sends Expires beside Max-Age, as werkzeug does, so that a client reading either sees one lifetime', async () => {
    const client = makeClient({ cookieMaxAge: 'token-lifetime', accessTtlSeconds: ACCESS_TTL_SECONDS });
    const before = Date.now();
    const login = await client.login();
    const expires = expiresOf(attributesByCookie(login).get('csrf_access_token'));
    expect(expires).toBeDefined();
    // HTTP dates have whole seconds.
    expect(expires!).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + (ACCESS_TTL_SECONDS - 1) * 1000);
    expect(expires!).toBeLessThanOrEqual(Date.now() + (ACCESS_TTL_SECONDS + 1) * 1000);
  });

  it('takes cookieMaxAge through POST /__demo/control and refuses an unknown value', async () => {
    const client = makeClient({ sessionCookies: false, accessTtlSeconds: ACCESS_TTL_SECONDS });
    const accepted = await client.request('/__demo/control', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cookieMaxAge: 'token-lifetime' }),
    });
    expect(accepted.status).toBe(200);
    expect(maxAgeOf(attributesByCookie(await client.login()).get('csrf_access_token'))).toBe(ACCESS_TTL_SECONDS);

    const refused = await client.request('/__demo/control', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cookieMaxAge: 'forever' }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/cookieMaxAge/);
  });
});
