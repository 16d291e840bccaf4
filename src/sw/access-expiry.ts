// When the access token expires, where a cookie says so: the Cookie Store API gives a cookie's
// expiry, which flask-jwt-extended sets to the token's lifetime when its cookies are not session
// cookies. Knowing it lets the broker refresh just before, so that no request meets a 401.

/** The Cookie Store API's answer, with the expiry it gives (null for a session cookie). */
export interface CookieExpiryReader {
  get(name: string): Promise<{ value: string; expires?: number | null } | null | undefined>;
}

export interface AccessExpiry {
  /** True when the access token expires within `aheadMs`, or has visibly run out. */
  isDue(aheadMs: number): Promise<boolean>;
}

export class CookieAccessExpiry implements AccessExpiry {
  readonly #cookies: CookieExpiryReader;
  readonly #cookieName: string;
  readonly #now: () => number;
  /** The last expiry seen: once the browser drops the expired cookie, it still tells us why. */
  #lastSeenExpiresAtMs: number | undefined;

  constructor(cookies: CookieExpiryReader, cookieName: string, now: () => number = Date.now) {
    this.#cookies = cookies;
    this.#cookieName = cookieName;
    this.#now = now;
  }

  async isDue(aheadMs: number): Promise<boolean> {
    const cookie = await this.#cookies.get(this.#cookieName).catch(() => null);
    const now = this.#now();
    if (cookie) {
      this.#lastSeenExpiresAtMs = typeof cookie.expires === 'number' ? cookie.expires : undefined;
      return this.#lastSeenExpiresAtMs !== undefined && this.#lastSeenExpiresAtMs - now <= aheadMs;
    }
    // Gone: expired if we saw it expire, otherwise never seen or removed (a logout): not ours to say.
    return this.#lastSeenExpiresAtMs !== undefined && this.#lastSeenExpiresAtMs <= now;
  }
}
