// Nothing the broker stamps follows a redirect. Why: on a redirect to another origin Fetch drops
// only Authorization; every other header goes along, so a CSRF value the broker read from a
// cookie would reach wherever an API's redirect points (an open redirect under an `api` prefix
// included). So a stamped request is sent with redirect "manual". A worker cannot see where a
// manual redirect points (the answer is an opaque redirect: status 0, no Location), so the
// broker cannot follow it itself, within the api prefixes or elsewhere. It steps aside instead,
// and the page gets what it would have got without the broker, minus the stamped headers:
// - the page asked for "manual" or "error": the opaque redirect, or a network error;
// - a GET or HEAD: sent again exactly as the page made it (its own headers only), and the
//   browser follows the redirect as usual. The redirecting URL is asked twice; both are safe;
// - any other method: a network error. The server has answered, and the broker cannot tell a
//   redirect after the work (303 See Other) from one before it (307, 308): sending a POST again
//   could do its work twice.

import { isBearerMode, type TokenBrokerConfig } from './config.ts';
import type { ReplayableRequest } from './replayable-request.ts';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const RESENDABLE_METHODS = new Set(['GET', 'HEAD']);

/** The redirect mode a request goes out with: the page's own when the broker stamps nothing. */
export function redirectModeOf(config: TokenBrokerConfig, captured: ReplayableRequest): RequestRedirect {
  // Bearer mode stamps Authorization: Fetch drops it on a redirect to another origin, but not on
  // one within it, where the API's open redirect could point at a route that logs its headers.
  if (isBearerMode(config)) return 'manual';
  return Object.keys(config.headers).length === 0 ? captured.redirect : 'manual';
}

/** An opaque redirect in a browser; a plain 3xx with a Location where the engine shows it (Node). */
export function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (REDIRECT_STATUSES.has(response.status) && response.headers.has('location'));
}

/** What the page gets for a stamped request that was answered with `redirect`. */
export async function answerToRedirect(captured: ReplayableRequest, redirect: Response, fetchImpl: typeof fetch): Promise<Response> {
  if (captured.redirect === 'manual') return redirect;
  redirect.body?.cancel().catch(() => undefined);
  if (captured.redirect === 'error' || !RESENDABLE_METHODS.has(captured.method)) return Response.error();
  return fetchImpl(captured.build(captured.headers, 'follow'));
}
