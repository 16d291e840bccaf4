// Cookie mode (flask-jwt-extended and the like): the JWTs ride in HttpOnly cookies that the
// browser attaches by itself; the worker only sets the script-readable CSRF values as headers,
// read fresh from the Cookie Store API at every send, and calls the refresh endpoint.

import type { HeaderValue, TokenBrokerConfig } from './config.ts';
import type { CredentialSource, RefreshResult } from './credential-source.ts';

/** The part of the Cookie Store API the broker uses (not yet in TypeScript's worker types). */
export interface CookieReader {
  get(name: string): Promise<{ value: string } | null | undefined>;
}

export class CookieCredentials implements CredentialSource {
  readonly #config: TokenBrokerConfig;
  readonly #cookies: CookieReader;
  readonly #fetch: typeof fetch;

  constructor(config: TokenBrokerConfig, cookies: CookieReader, fetchImpl?: typeof fetch) {
    this.#config = config;
    this.#cookies = cookies;
    // Called through a closure: the global fetch throws "Illegal invocation" when called as a
    // method of another object.
    this.#fetch = fetchImpl ?? ((input, init) => fetch(input, init));
  }

  async stamp(headers: Headers): Promise<void> {
    await this.#setHeaders(headers, this.#config.headers);
  }

  async refresh(signal: AbortSignal): Promise<RefreshResult> {
    const { url, method, credentials } = this.#config.refresh;
    const headers = new Headers();
    await this.#setHeaders(headers, this.#config.refresh.headers);
    let response: Response;
    try {
      response = await this.#fetch(url, { method, headers, credentials, cache: 'no-store', redirect: 'error', signal });
    } catch (error) {
      return { kind: 'failed', reason: signal.aborted ? 'timeout' : `network error (${errorName(error)})` };
    }
    // The answer's body is the app's own business in cookie mode; only the status counts.
    void response.body?.cancel().catch(() => undefined);
    if (response.ok) return { kind: 'refreshed' };
    if (response.status === 401 || response.status === 403) return { kind: 'refused', status: response.status };
    return { kind: 'failed', reason: `status ${response.status}` };
  }

  async #setHeaders(headers: Headers, wanted: Readonly<Record<string, HeaderValue>>): Promise<void> {
    for (const [name, value] of Object.entries(wanted)) {
      if (typeof value === 'string') {
        headers.set(name, value);
        continue;
      }
      const cookie = await this.#cookies.get(value.cookie);
      // No such cookie: leave whatever the page sent; the server's answer will say what is missing.
      if (cookie) headers.set(name, cookie.value);
    }
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
