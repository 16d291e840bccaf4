// Which requests the broker takes, and as what. Everything it does not take is left to the
// browser (the fetch handler does not call respondWith), so the default path stays the default.

import type { BearerConfig } from './bearer-config.ts';
import { isBearerMode, type TokenBrokerConfig } from './config.ts';

/**
 * - `api`: a request to the API, stamped, and replayed after a refresh.
 * - `page-refresh`: cookie mode, the page's own call to the refresh endpoint (an interceptor the
 *   app kept): it goes through the broker's single refresh (page-refresh-call.ts), never beside it.
 * Bearer mode (bearer-routes.ts):
 * - `token-endpoint`: the page's library at the token endpoint (json: the refresh URL): a login's
 *   answer is captured, a refresh joins the broker's one refresh;
 * - `login`: json only, a route whose answer starts a new session;
 * - `revocation`: RFC 7009 (json: the logout URL): gets the real token, clears the vault;
 * - `end-session`: OIDC logout: clears the vault, goes out unchanged.
 */
export type RouteKind = 'api' | 'page-refresh' | 'token-endpoint' | 'login' | 'revocation' | 'end-session';

export function routeOf(request: Request, config: TokenBrokerConfig): RouteKind | undefined {
  const url = new URL(request.url);
  const bearer = isBearerMode(config) ? config.bearer : undefined;
  // A logout may be a navigation (same origin only: the worker never sees another origin's).
  if (bearer?.endSessionEndpoint === url.origin + url.pathname && request.mode === 'navigate') return 'end-session';
  if (!mayBeBrokered(request)) return undefined;
  if (isBearerMode(config)) {
    const kind = bearerRouteOf(url, request.method, config.bearer);
    if (kind) return kind;
  } else if (isRefreshUrl(url, config.refresh.url)) {
    // The refresh URL is never an API request: a 401 there is the answer, not something to refresh for.
    return request.method === config.refresh.method ? 'page-refresh' : undefined;
  }
  return config.api.some((prefix) => url.origin === prefix.origin && url.pathname.startsWith(prefix.pathPrefix)) ? 'api' : undefined;
}

function bearerRouteOf(url: URL, method: string, bearer: BearerConfig): RouteKind | undefined {
  const target = url.origin + url.pathname;
  if (target === bearer.endSessionEndpoint) return 'end-session';
  // Grants, logins and revocations are POSTs (RFC 6749 3.2, RFC 7009 2.1); anything else there is not ours.
  if (method !== 'POST') return undefined;
  if (target === bearer.tokenEndpoint) return 'token-endpoint';
  if (target === bearer.revocationEndpoint) return 'revocation';
  if (bearer.loginUrls.includes(target)) return 'login';
  return undefined;
}

export function isBrokered(request: Request, config: TokenBrokerConfig): boolean {
  return routeOf(request, config) === 'api';
}

function isRefreshUrl(url: URL, refreshUrl: string): boolean {
  return url.origin + url.pathname === refreshUrl;
}

/**
 * What no config brokers, decided from the request alone: at wake the worker must call
 * respondWith (or not) before its config is read, and only requests that pass this may wait.
 */
export function mayBeBrokered(request: Request): boolean {
  // Navigations and no-cors requests: a 401 there is not the app's fetch to replay, and an
  // opaque answer cannot be read anyway. keepalive requests may outlive the page: never hold them.
  if (request.mode === 'navigate' || request.mode === 'no-cors') return false;
  if (request.keepalive) return false;
  // The app's API calls are fetch() and XHR, whose destination is empty; a script, style, font,
  // image or worker is a document's resource, never a call to replay (module scripts and fonts
  // are cors requests, so the mode alone does not exclude them).
  if (request.destination !== '') return false;
  return request.headers.get('accept') !== 'text/event-stream';
}
