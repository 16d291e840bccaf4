// What a browser scenario needs from a backend, whichever it is: the demo server (src/server, our
// imitation of flask-jwt-extended) or a real flask-jwt-extended app (tests/flask/app.py). Both
// speak the same protocol and the same test-only control routes (/__demo/...), so a scenario
// written against this interface runs against either one unchanged.

import type { CounterSnapshot } from '../../src/server/counters.ts';

/** The backend's counters, as GET /__demo/stats returns them (the same names on both backends). */
export type BackendStats = CounterSnapshot;

export type RefreshBehavior = 'normal' | 'error-500' | 'refuse-401' | 'hang';

/** What POST /__demo/control accepts on both backends. */
export interface BackendControl {
  accessTtlSeconds?: number;
  /**
   * Lifetime of the refresh tokens issued from now on. On the flask app, expireAccessTokens()
   * moves the JWT clock past the access tokens' expiry, so a refresh token shorter-lived than
   * that expires too (a real refusal by the library); the demo server only ages access tokens.
   */
  refreshTtlSeconds?: number;
  rotation?: boolean;
  reuseDetection?: boolean;
  refreshDelayMs?: number;
  refreshBehavior?: RefreshBehavior;
  /** Demo server only: delay before an "expired" 401 is answered, so that a whole burst is sent before any 401 returns. */
  expiredAnswerDelayMs?: number;
  /** flask's JWT_SESSION_COOKIE (default true); false gives the cookies Max-Age one year. */
  sessionCookies?: boolean;
  /**
   * What the app passes as max_age to set_access_cookies / set_refresh_cookies: 'flask-default'
   * (nothing: the default) or 'token-lifetime' (the cookies expire with their tokens; the only
   * setup where a worker can read the access token's expiry from a cookie).
   */
  cookieMaxAge?: 'flask-default' | 'token-lifetime';
}

export interface TestBackendOptions {
  /** Extra files served beside the built ones (a test's own config, a page using it). */
  files?: Record<string, string>;
  /** Default 600: long enough that nothing expires unless a test says so. */
  accessTtlSeconds?: number;
  rotation?: boolean;
  /** Demo server only: lifetime of the bearer-mode access tokens (OIDC provider, JSON backend). */
  bearerAccessTtlSeconds?: number;
  /** Demo server only: keep every bearer token value issued, for a test to search the page for them. */
  recordIssuedTokens?: boolean;
}

export type BackendKind = 'demo' | 'flask';

export interface TestBackend {
  readonly kind: BackendKind;
  /** Ends with "/", e.g. http://127.0.0.1:41234/ */
  readonly url: string;
  /** The directory served: a test's own copy when it asked for extra files, so it may change them. */
  readonly staticDir: string;
  close(): Promise<void>;
  stats(): Promise<BackendStats>;
  control(changes: BackendControl): Promise<void>;
  /** Every access token issued so far is answered 401 "Token has expired" from now on. */
  expireAccessTokens(): Promise<void>;
  resetCounters(): Promise<void>;
}
