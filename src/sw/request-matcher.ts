// Which requests the broker takes, and as what. Everything it does not take is left to the
// browser (the fetch handler does not call respondWith), so the default path stays the default.

import type { TokenBrokerConfig } from './config.ts';

/**
 * - `api`: a request to the API, stamped, and replayed after a refresh.
 * - `page-refresh`: the page's own call to the refresh endpoint (an interceptor the app kept):
 *   it goes through the broker's single refresh (page-refresh-call.ts), never beside it.
 */
export type RouteKind = 'api' | 'page-refresh';

export function routeOf(request: Request, config: TokenBrokerConfig): RouteKind | undefined {
  if (!mayBeBrokered(request)) return undefined;
  const url = new URL(request.url);
  // The refresh URL is never an API request: a 401 there is the answer, not something to refresh for.
  if (isRefreshUrl(url, config)) return request.method === config.refresh.method ? 'page-refresh' : undefined;
  return config.api.some((prefix) => url.origin === prefix.origin && url.pathname.startsWith(prefix.pathPrefix)) ? 'api' : undefined;
}

export function isBrokered(request: Request, config: TokenBrokerConfig): boolean {
  return routeOf(request, config) === 'api';
}

function isRefreshUrl(url: URL, config: TokenBrokerConfig): boolean {
  return url.origin + url.pathname === config.refresh.url;
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
