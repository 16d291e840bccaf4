// Which requests the broker takes. Everything it does not take is left to the browser
// (the fetch handler does not call respondWith), so the default path stays the default.

import type { TokenBrokerConfig } from './config.ts';

export function isBrokered(request: Request, config: TokenBrokerConfig): boolean {
  if (!mayBeBrokered(request)) return false;
  const url = new URL(request.url);
  if (isRefreshUrl(url, config)) return false;
  return config.api.some((prefix) => url.origin === prefix.origin && url.pathname.startsWith(prefix.pathPrefix));
}

/** The refresh request is never brokered: a 401 there is the answer, not something to refresh for. */
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
