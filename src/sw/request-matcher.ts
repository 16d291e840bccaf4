// Which requests the broker takes. Everything it does not take is left to the browser
// (the fetch handler does not call respondWith), so the default path stays the default.

import type { TokenBrokerConfig } from './config.ts';

export function isBrokered(request: Request, config: TokenBrokerConfig): boolean {
  // Navigations and no-cors requests: a 401 there is not the app's fetch to replay, and an
  // opaque answer cannot be read anyway. keepalive requests may outlive the page: never hold them.
  if (request.mode === 'navigate' || request.mode === 'no-cors') return false;
  if (request.keepalive) return false;
  if (request.headers.get('accept') === 'text/event-stream') return false;

  const url = new URL(request.url);
  if (isRefreshUrl(url, config)) return false;
  return config.api.some((prefix) => url.origin === prefix.origin && url.pathname.startsWith(prefix.pathPrefix));
}

/** The refresh request is never brokered: a 401 there is the answer, not something to refresh for. */
function isRefreshUrl(url: URL, config: TokenBrokerConfig): boolean {
  return url.origin + url.pathname === config.refresh.url;
}
