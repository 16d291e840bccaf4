// When the access token expires, where a cookie says so: the Cookie Store API gives a cookie's
// expiry, which flask-jwt-extended sets to the token's lifetime when its cookies are not session
// cookies. Knowing it lets the broker refresh just before, so that no request meets a 401.
// The cookie is read by the same read that stamps the request (cookie-credentials.ts): each read
// is a round trip to the browser's cookie store, the broker's main cost per request.

/** A cookie as the Cookie Store API gives it: `expires` in ms since the epoch, null for a session cookie. */
export interface CookieWithExpiry {
  readonly value: string;
  readonly expires?: number | null;
}

export class AccessExpiryTracker {
  readonly #now: () => number;
  /** The last expiry seen: once the browser drops the expired cookie, it still tells us why. */
  #lastSeenExpiresAtMs: number | undefined;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** When the access token expires, given the cookie just read (null: not there); undefined if unknown. */
  expiresAtMs(cookie: CookieWithExpiry | null | undefined): number | undefined {
    if (cookie) {
      this.#lastSeenExpiresAtMs = typeof cookie.expires === 'number' ? cookie.expires : undefined;
      return this.#lastSeenExpiresAtMs;
    }
    // Gone: expired if it was due to; removed before that (a logout) or never seen: unknown, and
    // no longer ours to refresh ahead of.
    const lastSeen = this.#lastSeenExpiresAtMs;
    if (lastSeen !== undefined && lastSeen <= this.#now()) return lastSeen;
    this.#lastSeenExpiresAtMs = undefined;
    return undefined;
  }
}
