// The life of a brokered request: make it replayable, hold it while a refresh is in flight,
// stamp it, send it; on a 401, join the one refresh and replay once. Whatever the replay
// answers goes back to the page, and so does anything that is not a refresh-worthy 401.

import { untilAborted } from './abortable.ts';
import type { TokenBrokerConfig } from './config.ts';
import type { ClientContext, CredentialSource } from './credential-source.ts';
import type { RefreshCoordinator } from './refresh-coordinator.ts';
import { isExpiredAnswer } from './expiry-detector.ts';
import { PageRefreshCalls, type RefreshThrough } from './page-refresh-call.ts';
import { captureRequest, type ReplayableRequest } from './replayable-request.ts';
import { routeOf } from './request-matcher.ts';
import { SendWindow } from './send-window.ts';
import { UnauthorizedAnswers } from './unauthorized-answers.ts';

export interface TokenBrokerOptions {
  readonly config: TokenBrokerConfig;
  readonly credentials: CredentialSource;
  readonly coordinator: RefreshCoordinator;
  readonly fetch?: typeof fetch;
  /** Wall clock in ms since the epoch, compared with the credentials' expiry. */
  readonly now?: () => number;
  /** How the page's own refresh call can be sent as the refresh; without it, that call is not taken. */
  readonly refreshThrough?: RefreshThrough;
}

interface StampedHeaders {
  readonly headers: Headers;
  readonly generation: number;
  readonly expiresAtMs: number | undefined;
}

interface SentRequest {
  readonly response: Response;
  /** The credential generation the request was stamped with. */
  readonly generation: number;
}

export class TokenBroker {
  readonly #config: TokenBrokerConfig;
  readonly #credentials: CredentialSource;
  readonly #coordinator: RefreshCoordinator;
  readonly #sendWindow: SendWindow;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #unauthorized = new UnauthorizedAnswers();
  readonly #pageRefreshCalls: PageRefreshCalls | undefined;

  constructor(options: TokenBrokerOptions) {
    this.#config = options.config;
    this.#credentials = options.credentials;
    this.#coordinator = options.coordinator;
    this.#sendWindow = new SendWindow(options.config.maxConcurrentRequests);
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#now = options.now ?? Date.now;
    this.#pageRefreshCalls = options.refreshThrough && new PageRefreshCalls({
      coordinator: this.#coordinator, refreshThrough: options.refreshThrough, unauthorized: this.#unauthorized, fetch: this.#fetch,
    });
  }

  matches(request: Request): boolean {
    const route = routeOf(request, this.#config);
    return route === 'api' || (route === 'page-refresh' && this.#pageRefreshCalls !== undefined);
  }

  /** `client`: the tab the request comes from, when known (its own refresh call is told apart by it). */
  async handle(request: Request, client?: ClientContext): Promise<Response> {
    const clientId = client?.clientId ?? '';
    if (this.#pageRefreshCalls && routeOf(request, this.#config) === 'page-refresh') return this.#pageRefreshCalls.handle(request, clientId);
    const { response, generation } = await this.#handleApi(request, client);
    // Whatever 401 reaches the page may send its interceptor to the refresh endpoint: remember
    // which credentials it was for (page-refresh-call.ts).
    if (this.#config.expiredWhen.status.includes(response.status)) this.#unauthorized.note(clientId, generation);
    return response;
  }

  async #handleApi(request: Request, client: ClientContext | undefined): Promise<SentRequest> {
    const captured = await captureRequest(request, this.#config.maxReplayBodyBytes);
    await this.#coordinator.ready();
    const first = await this.#send(captured, request.signal, client);
    if (!captured.replayable || !(await isExpiredAnswer(first.response, this.#config.expiredWhen))) return first;

    const outcome = await untilAborted(request.signal, this.#coordinator.refreshFrom(first.generation));
    if (outcome.kind !== 'refreshed') return first;

    // Keep the 401 (an error answer: a small body) in case the replay cannot be sent: then the
    // page gets what it would have got without the broker, not a network error.
    const original = await copyResponse(first.response);
    try {
      return await this.#send(captured, request.signal, client);
    } catch (error) {
      if (request.signal.aborted) throw error;
      return { response: original, generation: first.generation };
    }
  }

  /** Waits for a slot and for any refresh in flight, then stamps and sends. */
  async #send(captured: ReplayableRequest, signal: AbortSignal, client?: ClientContext): Promise<SentRequest> {
    await this.#sendWindow.acquire(signal);
    try {
      const stamped = await this.#stamp(captured, signal, client);
      if (stamped.expiresAtMs !== undefined && stamped.expiresAtMs - this.#now() <= this.#config.refreshAheadMs) {
        // No request goes out with credentials about to die: refresh first (once; whatever it
        // says, the request then goes out with what there is).
        await untilAborted(signal, this.#coordinator.refreshFrom(stamped.generation));
        return await this.#fetchStamped(captured, await this.#stamp(captured, signal, client));
      }
      // Awaited here, not returned as a promise: the slot is released only once the answer came.
      return await this.#fetchStamped(captured, stamped);
    } finally {
      this.#sendWindow.release();
    }
  }

  /** Holds the request while a refresh runs (no request goes out with credentials known to be dead), then stamps its headers. */
  async #stamp(captured: ReplayableRequest, signal: AbortSignal, client?: ClientContext): Promise<StampedHeaders> {
    if (this.#coordinator.refreshing) await untilAborted(signal, this.#coordinator.idle());
    const generation = this.#coordinator.generation;
    const headers = new Headers(captured.headers);
    const { expiresAtMs } = await this.#credentials.stamp(headers, client);
    return { headers, generation, expiresAtMs };
  }

  async #fetchStamped(captured: ReplayableRequest, { headers, generation }: StampedHeaders): Promise<SentRequest> {
    return { response: await this.#fetch(captured.build(headers)), generation };
  }
}

/** A copy of `response` whose body is already in memory, so the connection is free. */
async function copyResponse(response: Response): Promise<Response> {
  const body = await response.blob();
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
