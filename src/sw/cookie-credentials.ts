// Cookie mode (flask-jwt-extended and the like): the JWTs ride in HttpOnly cookies that the
// browser attaches by itself; the worker only sets the script-readable CSRF values as headers,
// read fresh from the Cookie Store API at every send, and calls the refresh endpoint.
//
// Where the broker reads cookies from may lag the browser's cookie jar: Firefox gives some
// service workers a cookieStore that sees no cookie at all, and then the values come from a tab's
// document.cookie (page-cookie-reader.ts), a per-process copy that the parent process updates
// asynchronously. So after a refresh the broker does not take the first read on trust: it waits,
// bounded, until the stamped cookies no longer read their pre-refresh values.

import { AccessExpiryTracker, type CookieWithExpiry } from './access-expiry.ts';
import type { CookieModeConfig, HeaderValue } from './config.ts';
import { fingerprintOf } from './credential-fingerprint.ts';
import type { ClientContext, CredentialSource, RefreshResult, StampedCredentials, StampTarget } from './credential-source.ts';
import { jsonFieldMatches } from './expiry-detector.ts';
import { StampCache, type CookieValues } from './stamp-cache.ts';

/** The part of the Cookie Store API the broker uses (not yet in TypeScript's worker types). A
 * reader that asks the tabs may prefer the requesting tab; the Cookie Store API ignores `client`. */
export interface CookieReader {
  get(name: string, client?: ClientContext): Promise<CookieWithExpiry | null | undefined>;
}

/** How long a successful refresh waits for the new cookie values to be readable. Measured in
 * Firefox ESR 153: readable at the first read, and at most 13 ms after the answer. A backend that
 * keeps the same CSRF value across refreshes pays this once per refresh. */
export const FRESH_COOKIE_WAIT_MS = 300;
const FRESH_COOKIE_POLL_MS = 10;

export class CookieCredentials implements CredentialSource {
  readonly #config: CookieModeConfig;
  readonly #cookies: CookieReader;
  readonly #fetch: typeof fetch;
  /** Every cookie a stamp needs, each read once: the headers' and the one that tells the expiry. */
  readonly #stampCookieNames: readonly string[];
  readonly #accessExpiry = new AccessExpiryTracker();
  readonly #kept: StampCache;

  constructor(config: CookieModeConfig, cookies: CookieReader, fetchImpl?: typeof fetch, kept = new StampCache()) {
    this.#kept = kept;
    this.#config = config;
    this.#cookies = cookies;
    this.#stampCookieNames = [...new Set([...cookieNames(config.headers), ...(config.accessExpiry ? [config.accessExpiry.cookie] : [])])];
    // Called through a closure: the global fetch throws "Illegal invocation" when called as a
    // method of another object.
    this.#fetch = fetchImpl ?? ((input, init) => fetch(input, init));
  }

  async stamp(headers: Headers, client?: ClientContext, target?: StampTarget): Promise<StampedCredentials> {
    const kept = target?.replayable ? this.#kept.get() : undefined;
    const cookies = kept ?? await this.#kept.read(() => this.#read(this.#stampCookieNames, client));
    setHeaders(headers, this.#config.headers, cookies);
    const expiryCookie = this.#config.accessExpiry?.cookie;
    const expiresAtMs = expiryCookie === undefined ? undefined : this.#accessExpiry.expiresAtMs(cookies.get(expiryCookie));
    return kept ? { expiresAtMs, stampedWith: cookies, fromKeptValues: true } : { expiresAtMs, stampedWith: cookies };
  }

  keepStampedValues(): void {
    this.#kept.enable();
  }

  forgetStampedValues(): void {
    this.#kept.forget();
  }

  /** Do the stamped cookies read now other than `stampedWith` (a stamp's record of the values it set)? */
  async stampOutdated(stampedWith: unknown): Promise<boolean> {
    if (!(stampedWith instanceof Map)) return false;
    const stamped = stampedWith as CookieValues;
    const now = await this.#kept.read(() => this.#read(this.#stampCookieNames));
    return cookieNames(this.#config.headers).some((name) => now.get(name)?.value !== stamped.get(name)?.value);
  }

  async refresh(signal: AbortSignal): Promise<RefreshResult> {
    try {
      return await this.#refresh(signal);
    } finally {
      // A refresh sets new cookies, or may have: the next stamp reads them (their change events
      // come too, later).
      this.#kept.forget();
    }
  }

  async #refresh(signal: AbortSignal): Promise<RefreshResult> {
    const { url, method, credentials } = this.#config.refresh;
    const stampedNames = cookieNames(this.#config.headers);
    // One read for both: the refresh's own headers, and the values a stamp would send now.
    const cookies = await this.#read([...new Set([...cookieNames(this.#config.refresh.headers), ...stampedNames])]);
    // A refresh without its CSRF value is refused before the server looks at the refresh token
    // (flask: 401 "Missing CSRF token"), and that 401 would read as an ended session. Unreadable
    // is not absent (a blind cookie store, no tab answering in time): send nothing, say why.
    const unreadable = Object.entries(this.#config.refresh.headers)
      .find(([, value]) => typeof value !== 'string' && !cookies.get(value.cookie));
    if (unreadable) {
      const [header, value] = unreadable as [string, { cookie: string }];
      return { kind: 'failed', reason: `the cookie "${value.cookie}" for the refresh header ${header} could not be read; no refresh sent` };
    }
    const headers = new Headers();
    setHeaders(headers, this.#config.refresh.headers, cookies);
    const stale = new Map(stampedNames.map((name) => [name, cookies.get(name)?.value]));
    let response: Response;
    try {
      response = await this.#fetch(url, { method, headers, credentials, cache: 'no-store', redirect: 'error', signal });
    } catch (error) {
      return { kind: 'failed', reason: signal.aborted ? 'timeout' : `network error (${errorName(error)})` };
    }
    if (response.status === 401 || response.status === 403) {
      const refusedHeaders = await this.#refusedForItsHeaders(response);
      void response.body?.cancel().catch(() => undefined);
      if (signal.aborted) return { kind: 'failed', reason: 'timeout' };
      if (refusedHeaders) return { kind: 'failed', reason: `the refresh endpoint refused the refresh's headers (status ${response.status}), not the session` };
      return { kind: 'refused', status: response.status };
    }
    // The answer's body is the app's own business in cookie mode; only the status counts.
    void response.body?.cancel().catch(() => undefined);
    // A 2xx HTML page is not a refresh answer: most often an SPA's catch-all route served for a
    // wrong refresh.url, or a login page. Taking it for a refresh would replay into the same 401s.
    if (response.ok && (response.headers.get('content-type') ?? '').startsWith('text/html')) {
      return { kind: 'failed', reason: 'the refresh endpoint answered an HTML page' };
    }
    if (response.ok) {
      await this.#untilCookiesMoved(stale, signal);
      return { kind: 'refreshed' };
    }
    return { kind: 'failed', reason: `status ${response.status}` };
  }

  /** Does this 401/403 say the request's headers were wrong (`refresh.failedWhen`), not the session? */
  async #refusedForItsHeaders(response: Response): Promise<boolean> {
    const rule = this.#config.refresh.failedWhen?.jsonField;
    return rule !== undefined && jsonFieldMatches(response, rule);
  }

  /**
   * The script-readable cookies the refresh sends (flask: csrf_refresh_token): a new login changes
   * them. Not the access ones where the refresh has its own: those also change, or vanish, when the
   * access token runs out, which is no new login. Without any, the stamped ones stand in.
   */
  async fingerprint(): Promise<string | undefined> {
    const ofRefresh = cookieNames(this.#config.refresh.headers);
    const names = [...new Set(ofRefresh.length > 0 ? ofRefresh : cookieNames(this.#config.headers))].sort();
    if (names.length === 0) return undefined;
    const cookies = await this.#read(names);
    return fingerprintOf(names.map((name) => [name, cookies.get(name)?.value ?? null]));
  }

  /** Reads `names` at once; a cookie that cannot be read counts as absent. */
  async #read(names: readonly string[], client?: ClientContext): Promise<CookieValues> {
    const cookies = await Promise.all(names.map((name) => this.#cookies.get(name, client).catch(() => null)));
    return new Map(names.map((name, index) => [name, cookies[index] ?? null]));
  }

  /**
   * Resolves once every cookie in `stale` reads a value other than its pre-refresh one, or after
   * FRESH_COOKIE_WAIT_MS, or when `signal` aborts: whichever comes first. Never rejects.
   */
  async #untilCookiesMoved(stale: Map<string, string | undefined>, signal: AbortSignal): Promise<void> {
    const deadlineMs = Date.now() + FRESH_COOKIE_WAIT_MS;
    const pending = new Map(stale);
    while (pending.size > 0 && !signal.aborted) {
      const now = await this.#read([...pending.keys()]);
      for (const [name, old] of pending) {
        if (now.get(name)?.value !== old) pending.delete(name);
      }
      if (pending.size === 0 || Date.now() >= deadlineMs) return;
      await new Promise((resolve) => setTimeout(resolve, FRESH_COOKIE_POLL_MS));
    }
  }
}

/** The cookie names that `wanted`'s header values come from. */
function cookieNames(wanted: Readonly<Record<string, HeaderValue>>): string[] {
  return Object.values(wanted).flatMap((value) => (typeof value === 'string' ? [] : [value.cookie]));
}

function setHeaders(headers: Headers, wanted: Readonly<Record<string, HeaderValue>>, cookies: CookieValues): void {
  for (const [name, value] of Object.entries(wanted)) {
    if (typeof value === 'string') {
      headers.set(name, value);
      continue;
    }
    const cookie = cookies.get(value.cookie);
    // No such cookie: leave whatever the page sent; the server's answer will say what is missing.
    if (cookie) headers.set(name, cookie.value);
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
