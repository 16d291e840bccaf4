// The life of a brokered request: make it replayable, hold it while a refresh is in flight,
// stamp it, send it; on a 401, join the one refresh and replay once. Whatever the replay
// answers goes back to the page, and so does anything that is not a refresh-worthy 401, except
// a refusal (a CSRF mismatch) of credentials that moved on before its answer came: replayed once.

import { untilAborted } from './abortable.ts';
import { BODY_READ_TIMEOUT_MS, readBodyWithin } from './bounded-body-read.ts';
import type { TokenBrokerConfig } from './config.ts';
import type { ClientContext, CredentialSource } from './credential-source.ts';
import type { RefreshCoordinator } from './refresh-coordinator.ts';
import { classifyAnswer, isExpiredAnswer } from './expiry-detector.ts';
import { SILENT_DECISIONS, type Decision, type DecisionLog } from './decision-log.ts';
import { HeldBodyBudget } from './held-body-budget.ts';
import { PageRefreshCalls, type RefreshThrough } from './page-refresh-call.ts';
import { captureRequest, type ReplayableRequest } from './replayable-request.ts';
import { routeOf } from './request-matcher.ts';
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
  /** Where each request's decisions are said (`"debug": true`); default: nowhere. */
  readonly decisions?: DecisionLog;
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
  /** The API answered with a redirect: the broker stepped aside (stamped-redirects.ts). */
  readonly redirected: boolean;
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
  readonly #decisions: DecisionLog;

  constructor(options: TokenBrokerOptions) {
    this.#config = options.config;
    this.#credentials = options.credentials;
    this.#coordinator = options.coordinator;
    this.#sendWindow = new SendWindow(options.config.maxConcurrentRequests);
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#now = options.now ?? Date.now;
    this.#heldBodies = options.heldBodies ?? new HeldBodyBudget(options.config.maxHeldBodyBytes);
    this.#decisions = options.decisions ?? SILENT_DECISIONS;
    this.#pageRefreshCalls = options.refreshThrough && new PageRefreshCalls({
      coordinator: this.#coordinator, refreshThrough: options.refreshThrough, unauthorized: this.#unauthorized, fetch: this.#fetch,
    });
  }

  matches(request: Request): boolean {
    const route = routeOf(request, this.#config);
    return route === 'api' || (route === 'page-refresh' && this.#pageRefreshCalls !== undefined);
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
    // The page's own refresh call is told apart by its tab (page-refresh-call.ts).
    if (this.#pageRefreshCalls && routeOf(request, this.#config) === 'page-refresh') {
      this.#decisions.note('page refresh call', request);
      return this.#pageRefreshCalls.handle(request, clientId);
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
    const first = await this.#send(captured, request.signal, client, request);
    const status = `${first.response.status}, generation ${first.generation}`;
    if (!captured.replayable) return this.#noted('sent once', request, first, status);
    if (first.redirected) return this.#noted('passed through', request, first, `${status}, through a redirect`);
    const answer = await classifyAnswer(first.response, this.#config.expiredWhen);
    if (answer === 'other') return this.#noted('passed through', request, first, status);
    if (answer === 'rejected') {
      // Never a refresh for it; one replay if it was sent with credentials that are no longer current.
      if (await this.#credentialsMovedSince(first.generation, request.signal)) return this.#replay(captured, first, request, client);
      return this.#noted('passed through', request, first, `${status}, not an expiry`);
    }

    const evidence = answer === 'expired' ? 'positive' : 'presumed';
    this.#decisions.note('refreshing', request, `${status}, ${evidence} expiry`);
    const outcome = await untilAborted(request.signal, this.#coordinator.refreshFrom(first.generation, { evidence }));
    if (outcome.kind !== 'refreshed') return this.#noted('not refreshed', request, first, `${outcome.kind}, ${first.response.status} to the page`);
    return this.#replay(captured, first, request, client);
  }

  #noted(decision: Decision, request: Request, sent: SentRequest, detail: string): SentRequest {
    this.#decisions.note(decision, request, detail);
    return sent;
  }

  /** Sends `captured` once more with the current credentials; whatever it answers goes to the page. */
  async #replay(captured: ReplayableRequest, first: SentRequest, request: Request, client: ClientContext | undefined): Promise<SentRequest> {
    const { signal } = request;
    // Keep the 401 in case the replay cannot be sent: then the page gets what it would have got
    // without the broker, not a network error.
    const original = await keepForFallback(first.response);
    let replay: SentRequest;
    try {
      replay = await this.#send(captured, signal, client, request);
    } catch (error) {
      if (signal.aborted) throw error;
      return this.#noted('not refreshed', request, { response: original, generation: first.generation, redirected: false }, 'the replay could not be sent: the original answer to the page');
    }
    this.#decisions.note('replayed', request, `${replay.response.status}, generation ${replay.generation}`);
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
  async #send(captured: ReplayableRequest, signal: AbortSignal, client: ClientContext | undefined, request: Request): Promise<SentRequest> {
    await this.#sendWindow.acquire(signal);
    try {
      const stamped = await this.#stamp(captured, signal, client, request);
      if (stamped.expiresAtMs !== undefined && stamped.expiresAtMs - this.#now() <= this.#config.refreshAheadMs) {
        this.#decisions.note('refreshing ahead', request, `generation ${stamped.generation}`);
        // No request goes out with credentials about to die: refresh first (once; whatever it
        // says, the request then goes out with what there is).
        await untilAborted(signal, this.#coordinator.refreshFrom(stamped.generation));
        return await this.#fetchStamped(captured, await this.#stamp(captured, signal, client, request));
      }
      // Awaited here, not returned as a promise: the slot is released only once the answer came.
      return await this.#fetchStamped(captured, stamped);
    } finally {
      this.#sendWindow.release();
    }
  }

  /** Holds the request while a refresh runs (no request goes out with credentials known to be dead), then stamps its headers. */
  async #stamp(captured: ReplayableRequest, signal: AbortSignal, client: ClientContext | undefined, request: Request): Promise<StampedHeaders> {
    if (this.#coordinator.refreshing) {
      this.#decisions.note('held', request, 'a refresh is in flight');
      await untilAborted(signal, this.#coordinator.idle());
    }
    const generation = this.#coordinator.generation;
    const headers = new Headers(captured.headers);
    const { expiresAtMs } = await this.#credentials.stamp(headers, client);
    return { headers, generation, expiresAtMs };
  }

  async #fetchStamped(captured: ReplayableRequest, { headers, generation }: StampedHeaders): Promise<SentRequest> {
    const response = await this.#fetch(captured.build(headers, redirectModeOf(this.#config, captured)));
    if (!isRedirect(response)) return { response, generation, redirected: false };
    return { response: await answerToRedirect(captured, response, this.#fetch), generation, redirected: true };
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
