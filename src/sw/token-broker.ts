// The life of a brokered request: make it replayable, hold it while a refresh is in flight,
// stamp it, send it; on a 401, join the one refresh and replay once. Whatever the replay
// answers goes back to the page, and so does anything that is not a refresh-worthy 401, except
// a refusal (a CSRF mismatch) of credentials that moved on before its answer came: replayed once.

import { untilAborted } from './abortable.ts';
import type { BearerRouteKind, BearerRoutes } from './bearer-routes.ts';
import { BODY_READ_TIMEOUT_MS, readBodyWithin } from './bounded-body-read.ts';
import type { TokenBrokerConfig } from './config.ts';
import type { ClientContext, CredentialSource } from './credential-source.ts';
import type { RefreshCoordinator } from './refresh-coordinator.ts';
import { classifyAnswer, isExpiredAnswer } from './expiry-detector.ts';
import { HeldBodyBudget } from './held-body-budget.ts';
import { PageRefreshCalls, type RefreshThrough } from './page-refresh-call.ts';
import { captureRequest, type ReplayableRequest } from './replayable-request.ts';
import { routeOf, type RouteKind } from './request-matcher.ts';
import { SendWindow } from './send-window.ts';
import { answerToRedirect, isRedirect, redirectModeOf } from './stamped-redirects.ts';
import { UnauthorizedAnswers } from './unauthorized-answers.ts';

// A 401 kept for the page while its replay runs is copied into memory up to this size.
const MAX_COPIED_BODY_BYTES = 1024 * 1024;

export interface BrokeredRequestContext {
  /** The tab the request comes from, when known (the fetch event's clientId). */
  readonly client?: ClientContext;
  /** The fetch event's waitUntil: handed a refresh still running when the answer goes back, so
   * that the browser does not stop the worker before the refresh ends. */
  readonly keepAlive?: (work: Promise<void>) => void;
}

export interface TokenBrokerOptions {
  readonly config: TokenBrokerConfig;
  readonly credentials: CredentialSource;
  readonly coordinator: RefreshCoordinator;
  readonly fetch?: typeof fetch;
  /** Wall clock in ms since the epoch, compared with the credentials' expiry. */
  readonly now?: () => number;
  /** Where bodies kept for a replay are counted; default: one of `config.maxHeldBodyBytes`. */
  readonly heldBodies?: HeldBodyBudget;
  /** How the page's own refresh call can be sent as the refresh; without it, that call is not taken. */
  readonly refreshThrough?: RefreshThrough;
  /** Bearer mode: the token endpoint's and the logout routes' handling; without it, those are not taken. */
  readonly bearerRoutes?: BearerRoutes;
}

interface StampedHeaders {
  readonly headers: Headers;
  readonly generation: number;
  readonly expiresAtMs: number | undefined;
  readonly refreshAtMs: number | undefined;
  readonly refreshable: boolean;
}

interface SentRequest {
  readonly response: Response;
  /** The credential generation the request was stamped with. */
  readonly generation: number;
  /** The API answered with a redirect: the broker stepped aside (stamped-redirects.ts). */
  readonly redirected: boolean;
  /** false: it was stamped with nothing a refresh could renew (bearer mode without a session). */
  readonly refreshable?: boolean;
}

export class TokenBroker {
  readonly #config: TokenBrokerConfig;
  readonly #credentials: CredentialSource;
  readonly #coordinator: RefreshCoordinator;
  readonly #sendWindow: SendWindow;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #heldBodies: HeldBodyBudget;
  readonly #unauthorized = new UnauthorizedAnswers();
  readonly #pageRefreshCalls: PageRefreshCalls | undefined;
  readonly #bearerRoutes: BearerRoutes | undefined;

  constructor(options: TokenBrokerOptions) {
    this.#config = options.config;
    this.#credentials = options.credentials;
    this.#coordinator = options.coordinator;
    this.#sendWindow = new SendWindow(options.config.maxConcurrentRequests);
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#now = options.now ?? (() => Date.now());
    this.#heldBodies = options.heldBodies ?? new HeldBodyBudget(options.config.maxHeldBodyBytes);
    this.#pageRefreshCalls = options.refreshThrough && new PageRefreshCalls({
      coordinator: this.#coordinator, refreshThrough: options.refreshThrough, unauthorized: this.#unauthorized, fetch: this.#fetch,
    });
    this.#bearerRoutes = options.bearerRoutes;
  }

  matches(request: Request): boolean {
    return this.#takes(routeOf(request, this.#config));
  }

  #takes(route: RouteKind | undefined): boolean {
    if (route === undefined) return false;
    if (route === 'api') return true;
    if (route === 'page-refresh') return this.#pageRefreshCalls !== undefined;
    return this.#bearerRoutes !== undefined;
  }

  /** Answers a brokered request; `context` says which tab it came from and how to keep the worker alive. */
  async handle(request: Request, context: BrokeredRequestContext = {}): Promise<Response> {
    try {
      return await this.#route(request, context.client);
    } finally {
      const refreshEnded = this.#coordinator.refreshEnded();
      if (refreshEnded) context.keepAlive?.(refreshEnded);
    }
  }

  async #route(request: Request, client: ClientContext | undefined): Promise<Response> {
    const clientId = client?.clientId ?? '';
    const route = routeOf(request, this.#config);
    // The page's own refresh call is told apart by its tab (page-refresh-call.ts).
    if (this.#pageRefreshCalls && route === 'page-refresh') return this.#pageRefreshCalls.handle(request, clientId);
    if (this.#bearerRoutes && route !== undefined && route !== 'api' && route !== 'page-refresh') {
      return this.#bearerRoutes.handle(route satisfies BearerRouteKind, request);
    }
    const captured = await captureRequest(request, this.#config.maxReplayBodyBytes, this.#heldBodies);
    try {
      const { response, generation } = await this.#handleCaptured(request, captured, client);
      // Whatever 401 reaches the page may send its interceptor to the refresh endpoint: remember
      // which credentials it was for (page-refresh-call.ts).
      if (this.#config.expiredWhen.status.includes(response.status)) this.#unauthorized.note(clientId, generation);
      return response;
    } finally {
      captured.release(); // however the request ended: answered, failed or aborted
    }
  }

  async #handleCaptured(request: Request, captured: ReplayableRequest, client: ClientContext | undefined): Promise<SentRequest> {
    await this.#coordinator.ready();
    const first = await this.#send(captured, request.signal, client);
    if (!captured.replayable || first.redirected || first.refreshable === false) return first;
    const answer = await classifyAnswer(first.response, this.#config.expiredWhen);
    if (answer === 'other') return first;
    if (answer === 'rejected') {
      // Never a refresh for it; one replay if it was sent with credentials that are no longer current.
      return (await this.#credentialsMovedSince(first.generation, request.signal)) ? this.#replay(captured, first, request.signal, client) : first;
    }

    const evidence = answer === 'expired' ? 'positive' : 'presumed';
    const outcome = await untilAborted(request.signal, this.#coordinator.refreshFrom(first.generation, { evidence }));
    if (outcome.kind !== 'refreshed') return first;
    return this.#replay(captured, first, request.signal, client);
  }

  /** Sends `captured` once more with the current credentials; whatever it answers goes to the page. */
  async #replay(captured: ReplayableRequest, first: SentRequest, signal: AbortSignal, client: ClientContext | undefined): Promise<SentRequest> {
    // Keep the 401 in case the replay cannot be sent: then the page gets what it would have got
    // without the broker, not a network error.
    const original = await keepForFallback(first.response);
    let replay: SentRequest;
    try {
      replay = await this.#send(captured, signal, client);
    } catch (error) {
      if (signal.aborted) throw error;
      return { response: original, generation: first.generation, redirected: false };
    }
    // Fresh credentials, and still "expired": that refresh did not help; the next one backs off.
    if (await isExpiredAnswer(replay.response, this.#config.expiredWhen)) this.#coordinator.refreshDidNotHelp(replay.generation);
    return replay;
  }

  /** Did a refresh land after a request stamped with `stampedGeneration` (waiting for one that is landing)? */
  async #credentialsMovedSince(stampedGeneration: number, signal: AbortSignal): Promise<boolean> {
    if (this.#coordinator.refreshing) await untilAborted(signal, this.#coordinator.idle());
    return this.#coordinator.generation > stampedGeneration;
  }

  /** Waits for a slot and for any refresh in flight, then stamps and sends. */
  async #send(captured: ReplayableRequest, signal: AbortSignal, client?: ClientContext): Promise<SentRequest> {
    await this.#sendWindow.acquire(signal);
    try {
      const stamped = await this.#stamp(captured, signal, client);
      const refreshAtMs = stamped.refreshAtMs ?? (stamped.expiresAtMs === undefined ? undefined : stamped.expiresAtMs - this.#config.refreshAheadMs);
      if (stamped.refreshable && refreshAtMs !== undefined && this.#now() >= refreshAtMs) {
        // No request goes out with credentials about to die: refresh first (once; whatever it
        // says, the request then goes out with what there is). Past the expiry itself, that is
        // known, not presumed: it is refreshed even within the cooldown after the last refresh.
        const expired = stamped.refreshAtMs !== undefined && stamped.expiresAtMs !== undefined && this.#now() >= stamped.expiresAtMs;
        await untilAborted(signal, this.#coordinator.refreshFrom(stamped.generation, { evidence: expired ? 'positive' : 'presumed' }));
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
    const { expiresAtMs, refreshAtMs, refreshable = true } = await this.#credentials.stamp(headers, client, { url: captured.url, method: captured.method });
    return { headers, generation, expiresAtMs, refreshAtMs, refreshable };
  }

  async #fetchStamped(captured: ReplayableRequest, { headers, generation, refreshable }: StampedHeaders): Promise<SentRequest> {
    const response = await this.#fetch(captured.build(headers, redirectModeOf(this.#config, captured)));
    if (!isRedirect(response)) return { response, generation, redirected: false, refreshable };
    return { response: await answerToRedirect(captured, response, this.#fetch), generation, redirected: true, refreshable };
  }
}

/**
 * The 401 to give the page if its replay cannot be sent, copied into memory so that the original
 * lets go of its connection before the replay: a body still streaming would hold it. A body that
 * is large or does not end (chunked, never finished) is copied as far as it came within the
 * bounds, and the copy then fails where the original was cut, as a dropped connection would.
 */
async function keepForFallback(response: Response): Promise<Response> {
  const read = await readBodyWithin(response, { maxBytes: MAX_COPIED_BODY_BYTES, timeoutMs: BODY_READ_TIMEOUT_MS });
  discardBody(response);
  const body = read.complete ? read.bytes : cutShort(read.bytes);
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** A body of `bytes` that then fails, as a connection cut in the middle of an answer. */
function cutShort(bytes: Uint8Array<ArrayBuffer>): ReadableStream<Uint8Array<ArrayBuffer>> {
  let delivered = false;
  return new ReadableStream({
    // Erroring at once would drop the bytes not yet read: fail only at the read after them.
    pull(controller) {
      if (delivered) controller.error(new TypeError('token-broker: the answer was cut short (its body did not end in time)'));
      else controller.enqueue(bytes);
      delivered = true;
    },
  });
}

/** Lets go of an answer nobody will read, so that its connection closes instead of waiting for a reader. */
function discardBody(response: Response): void {
  if (!response.bodyUsed) response.body?.cancel().catch(() => undefined);
}
