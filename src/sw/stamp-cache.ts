// The cookie values a stamp sets, kept between requests where the browser tells the worker when
// they change. Reading them from the Cookie Store API at every request is a round trip to the
// browser's network process, most of what the broker adds to an API request (bench/costs.ts).
//
// Kept only while three things hold, each of which alone would let a stale value through:
//   - the worker hears every change: `cookiechange` events for the stamped cookies (Chromium and
//     Firefox deliver them to a subscribed worker; WebKit has none, so it never caches), and each
//     one, a deletion included, drops the values;
//   - no kept cookie has passed its expiry (the browser drops it then, maybe without an event);
//   - the values are younger than MAX_AGE_MS, a bound on what a lost event could cost.
// The event comes after the change, so a request stamped in between carries an old CSRF value.
// The broker covers that window: an answer 4xx to a request stamped from kept values makes a fresh
// read, and if the values moved the request is sent once more with them (token-broker.ts). A
// request whose body cannot be sent twice is stamped from a fresh read, never from kept values.

import type { CookieWithExpiry } from './access-expiry.ts';

/** Cookie values read at one moment, by name; null where there was no such cookie. */
export type CookieValues = ReadonlyMap<string, CookieWithExpiry | null>;

/** How long kept values are used at most before a fresh read. */
export const STAMP_CACHE_MAX_AGE_MS = 5_000;

export class StampCache {
  readonly #now: () => number;
  readonly #maxAgeMs: number;
  #enabled = false;
  /** `usableUntilMs`: the age bound or the first kept cookie's expiry, whichever comes first. */
  #kept: { readonly values: CookieValues; readonly readAtMs: number; readonly usableUntilMs: number } | undefined;
  /** Grows at every change heard: a read that began before one must not be kept. */
  #changes = 0;

  constructor(options: { now?: () => number; maxAgeMs?: number } = {}) {
    this.#now = options.now ?? (() => Date.now());
    this.#maxAgeMs = options.maxAgeMs ?? STAMP_CACHE_MAX_AGE_MS;
  }

  /** The worker hears the stamped cookies' changes from now on: values may be kept. */
  enable(): void {
    this.#enabled = true;
  }

  /** A stamped cookie changed (or may have: a refresh): the kept values are dropped. */
  forget(): void {
    this.#changes += 1;
    this.#kept = undefined;
  }

  /** The kept values, if they may still be used. */
  get(): CookieValues | undefined {
    const kept = this.#kept;
    if (!kept) return undefined;
    const now = this.#now();
    if (now < kept.readAtMs || now >= kept.usableUntilMs) {
      this.#kept = undefined;
      return undefined;
    }
    return kept.values;
  }

  /** Reads fresh values with `read`, and keeps them if enabled and nothing changed meanwhile. */
  async read(read: () => Promise<CookieValues>): Promise<CookieValues> {
    const changesBefore = this.#changes;
    const readAtMs = this.#now();
    const values = await read();
    if (this.#enabled && this.#changes === changesBefore) {
      const expiries = [...values.values()].flatMap((cookie) => (typeof cookie?.expires === 'number' ? [cookie.expires] : []));
      this.#kept = { values, readAtMs, usableUntilMs: Math.min(readAtMs + this.#maxAgeMs, ...expiries) };
    }
    return values;
  }
}
