// Backends' default names, so that a config can say "preset" instead of spelling them out.
// Keys the user writes win over the preset's.

import type { CookieModeConfig, HeaderValue } from './config.ts';

interface Preset {
  readonly refresh: {
    readonly method: string;
    readonly headers: Readonly<Record<string, HeaderValue>>;
    readonly failedWhen?: CookieModeConfig['refresh']['failedWhen'];
  };
  readonly headers: Readonly<Record<string, HeaderValue>>;
  readonly expiredWhen: CookieModeConfig['expiredWhen'];
  readonly accessExpiry?: { readonly cookie: string };
}

export const PRESETS = {
  // flask-jwt-extended 4.x, JWT in cookies: CSRF double submit with the script-readable
  // csrf_* cookies; the refresh route is the app's own, so its URL is still required.
  'flask-jwt-extended': {
    refresh: {
      method: 'POST',
      headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_refresh_token' } },
      // flask checks the CSRF header before the refresh token: these two 401s leave the session
      // alive (a stale or unreadable CSRF cookie), and a later refresh may succeed.
      failedWhen: { jsonField: { name: 'msg', values: ['Missing CSRF token', 'CSRF double submit tokens do not match'] } },
    },
    headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_access_token' } },
    // Only these 401s are about expiry. "CSRF double submit tokens do not match", "Missing CSRF
    // token", "Token has been revoked" and "Fresh token required" are not: a refresh cannot cure them.
    // The access cookie goes missing when it had a Max-Age (JWT_SESSION_COOKIE = False) and ran out.
    expiredWhen: { status: [401], jsonField: { name: 'msg', values: ['Token has expired', 'Missing cookie "access_token_cookie"'] } },
    // The CSRF cookie gets the same Max-Age as the access token when JWT_SESSION_COOKIE = False;
    // with session cookies (the default) it has no expiry and the broker refreshes on the 401.
    accessExpiry: { cookie: 'csrf_access_token' },
  },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
