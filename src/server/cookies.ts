// flask-jwt-extended 4.7's cookie layout with its defaults: path "/", no Secure (the demo runs on
// http://localhost), session cookies (JWT_SESSION_COOKIE), JWTs HttpOnly, CSRF values readable by
// script. SameSite=Lax is our choice (flask leaves it unset by default).
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { IssuedToken } from './tokens.ts';

export const ACCESS_COOKIE = 'access_token_cookie';
export const REFRESH_COOKIE = 'refresh_token_cookie';
export const ACCESS_CSRF_COOKIE = 'csrf_access_token';
export const REFRESH_CSRF_COOKIE = 'csrf_refresh_token';
export const CSRF_HEADER = 'X-CSRF-TOKEN';
/** The demo page's switch: with this cookie set to "off", index.html is served without the broker. */
export const BROKER_SWITCH_COOKIE = 'demo_broker';

const BASE = { path: '/', sameSite: 'Lax' } as const;

/** flask-jwt-extended's config.cookie_max_age with JWT_SESSION_COOKIE = False: one year. */
export const FLASK_COOKIE_MAX_AGE_SECONDS = 31_540_000;

/**
 * `maxAgeSeconds` undefined: session cookies (JWT_SESSION_COOKIE = True, flask's default).
 * A number: Max-Age, and Expires computed from it as werkzeug's set_cookie does. Which number is
 * the caller's choice (see DemoOptions.cookieMaxAge): one year unless the app passes the token's
 * lifetime, the only case where a service worker can read the access token's expiry from a cookie.
 */
export function setAccessCookies(c: Context, token: IssuedToken, maxAgeSeconds?: number): void {
  const lifetime = lifetimeAttributes(maxAgeSeconds);
  setCookie(c, ACCESS_COOKIE, token.jwt, { ...BASE, ...lifetime, httpOnly: true });
  setCookie(c, ACCESS_CSRF_COOKIE, token.csrf, { ...BASE, ...lifetime });
}

export function setRefreshCookies(c: Context, token: IssuedToken, maxAgeSeconds?: number): void {
  const lifetime = lifetimeAttributes(maxAgeSeconds);
  setCookie(c, REFRESH_COOKIE, token.jwt, { ...BASE, ...lifetime, httpOnly: true });
  setCookie(c, REFRESH_CSRF_COOKIE, token.csrf, { ...BASE, ...lifetime });
}

function lifetimeAttributes(maxAgeSeconds: number | undefined): { maxAge?: number; expires?: Date } {
  if (maxAgeSeconds === undefined) return {};
  return { maxAge: maxAgeSeconds, expires: new Date(Date.now() + maxAgeSeconds * 1000) };
}

/** unset_jwt_cookies: empty values that expire at once. */
export function unsetJwtCookies(c: Context): void {
  for (const name of [ACCESS_COOKIE, REFRESH_COOKIE]) {
    setCookie(c, name, '', { ...BASE, httpOnly: true, maxAge: 0, expires: new Date(0) });
  }
  for (const name of [ACCESS_CSRF_COOKIE, REFRESH_CSRF_COOKIE]) {
    setCookie(c, name, '', { ...BASE, maxAge: 0, expires: new Date(0) });
  }
}

export function readCookie(c: Context, name: string): string | undefined {
  return getCookie(c, name);
}
