// One origin as several workers see it, for unit tests: a flask-jwt-extended-like backend whose
// cookies live in one jar shared by every worker (as the browser's jar is), Web Locks shared by
// every worker, and a BroadcastChannel bus. Every call is counted: the tests assert on the
// backend's counts, as the browser tests assert on the demo server's.

import type { CookieReader } from '../../../src/sw/cookie-credentials.ts';
import type { TabChannel } from '../../../src/sw/tab-messages.ts';

export const ORIGIN = 'https://app.example';

export interface RefreshSeen {
  readonly csrfHeader: string | null;
  readonly body: string;
  readonly marker: string | null;
}

export class FakeBackend {
  readonly jar = new Map<string, string>();
  readonly counts = { refreshRequests: 0, refreshSucceeded: 0, reuseDetected: 0, api401: 0, apiSucceeded: 0 };
  /** What each refresh request carried. */
  readonly refreshes: RefreshSeen[] = [];
  /** Holds every refresh answer until it settles (a slow refresh endpoint). */
  refreshGate: Promise<void> = Promise.resolve();
  /** The session has ended on the server: every refresh is refused. */
  refuseRefreshes = false;
  /** How a refresh with a wrong CSRF value is answered: flask's 401, or a 500 (a failure, not a refusal). */
  refuseWrongCsrfWith: 'refusal' | 'failure' = 'refusal';
  #serial = 0;
  #validAccess = '';
  /** The refresh CSRF value the server issued last: what it checks, whatever the jar now says. */
  #csrfRefresh = '';
  #spentRefresh = new Set<string>();
  #revoked = false;

  /** The cookie reader a worker gets: the Cookie Store API over the shared jar. */
  readonly cookies: CookieReader = {
    get: async (name) => {
      const value = this.jar.get(name);
      return value === undefined ? null : { value };
    },
  };

  logIn(): void {
    this.#issueAccess();
    this.#issueRefresh();
  }

  /** Every access token issued so far is answered 401 "Token has expired" from now on. */
  expireAccessTokens(): void {
    this.#validAccess = '';
  }

  readonly fetch = (async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    if (path === '/token/refresh') return this.#refresh(request);
    return this.#api(request);
  }) as typeof fetch;

  async #refresh(request: Request): Promise<Response> {
    this.counts.refreshRequests += 1;
    const body = await request.text();
    const csrfHeader = request.headers.get('X-CSRF-TOKEN');
    this.refreshes.push({ csrfHeader, body, marker: request.headers.get('X-Page-Marker') });
    await this.refreshGate;
    const presented = this.jar.get('refresh_token_cookie') ?? '';
    if (csrfHeader !== this.#csrfRefresh && this.refuseWrongCsrfWith === 'failure') return json({ msg: 'failed' }, 500);
    if (this.#revoked || this.refuseRefreshes || csrfHeader !== this.#csrfRefresh) return json({ msg: 'refused' }, 401);
    if (this.#spentRefresh.has(presented)) {
      // Rotation with reuse detection: a spent refresh token presented again ends the session.
      this.counts.reuseDetected += 1;
      this.#revoked = true;
      return json({ msg: 'Token has been revoked' }, 401);
    }
    this.#spentRefresh.add(presented);
    this.#issueAccess();
    this.#issueRefresh();
    this.counts.refreshSucceeded += 1;
    return json({ refresh: true }, 200, { 'X-Answered-By': 'backend' });
  }

  async #api(request: Request): Promise<Response> {
    const body = await request.text();
    const expired = this.#revoked || this.jar.get('access_token_cookie') !== this.#validAccess;
    const csrfOk = request.method === 'GET' || request.headers.get('X-CSRF-TOKEN') === this.jar.get('csrf_access_token');
    if (expired || !csrfOk) {
      this.counts.api401 += 1;
      return json({ msg: expired ? 'Token has expired' : 'CSRF double submit tokens do not match' }, 401);
    }
    this.counts.apiSucceeded += 1;
    return json({ ok: true, length: body.length });
  }

  #issueAccess(): void {
    this.#serial += 1;
    this.#validAccess = `access-${this.#serial}`;
    this.jar.set('access_token_cookie', this.#validAccess);
    this.jar.set('csrf_access_token', `csrf-access-${this.#serial}`);
  }

  #issueRefresh(): void {
    this.jar.set('refresh_token_cookie', `refresh-${this.#serial}`);
    this.#csrfRefresh = `csrf-refresh-${this.#serial}`;
    this.jar.set('csrf_refresh_token', this.#csrfRefresh);
  }
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** navigator.locks as every worker of one origin shares it: one holder at a time per name. */
export class FakeLocks {
  #tails = new Map<string, Promise<unknown>>();

  request(name: string, options: { signal?: AbortSignal }, task: () => Promise<unknown>): Promise<unknown> {
    const granted = (this.#tails.get(name) ?? Promise.resolve()).then(() => {
      if (options.signal?.aborted) throw options.signal.reason;
      return task();
    });
    this.#tails.set(name, granted.catch(() => undefined));
    return granted;
  }

  asLockManager(): LockManager {
    return this as unknown as LockManager;
  }
}

/** BroadcastChannel 'token-broker' between the workers of one origin: no channel hears its own posts. */
export class FakeTabBus {
  readonly #listeners = new Map<number, ((message: unknown) => void)[]>();
  #next = 0;
  /** Every message posted, in order. */
  readonly posted: unknown[] = [];

  open(): TabChannel {
    const id = this.#next++;
    this.#listeners.set(id, []);
    return {
      announce: (message) => {
        this.posted.push(message);
        for (const [other, listeners] of this.#listeners) {
          // Delivered later, as a BroadcastChannel message is a task of its own.
          if (other !== id) for (const listener of listeners) setTimeout(() => listener(structuredClone(message)), 0);
        }
      },
      listen: (listener) => {
        this.#listeners.get(id)!.push(listener);
      },
    };
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
