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

/**
 * `maxAgeSeconds` undefined: session cookies (JWT_SESSION_COOKIE = True, flask's default).
 * A number: JWT_SESSION_COOKIE = False, where flask gives each cookie the token's lifetime, which
 * is what lets a service worker read the access token's expiry from the CSRF cookie.
 */
export function setAccessCookies(c: Context, token: IssuedToken, maxAgeSeconds?: number): void {
  const lifetime = maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds };
  setCookie(c, ACCESS_COOKIE, token.jwt, { ...BASE, ...lifetime, httpOnly: true });
  setCookie(c, ACCESS_CSRF_COOKIE, token.csrf, { ...BASE, ...lifetime });
}

export function setRefreshCookies(c: Context, token: IssuedToken, maxAgeSeconds?: number): void {
  const lifetime = maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds };
  setCookie(c, REFRESH_COOKIE, token.jwt, { ...BASE, ...lifetime, httpOnly: true });
  setCookie(c, REFRESH_CSRF_COOKIE, token.csrf, { ...BASE, ...lifetime });
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
