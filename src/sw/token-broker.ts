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
import { classifyAnswer, isExpiredAnswer, type AnswerKind } from './expiry-detector.ts';
import { SILENT_DECISIONS, type Decision, type DecisionLog } from './decision-log.ts';
import { HeldBodyBudget } from './held-body-budget.ts';
import type { LifetimeLearner } from './lifetime-learner.ts';
import { PageRefreshCalls, type RefreshThrough } from './page-refresh-call.ts';
import { captureRequest, type ReplayableRequest } from './replayable-request.ts';
import { routeOf, type RouteKind } from './request-matcher.ts';
import type { ExpiryEvidence } from './refresh-policy.ts';
import { SendWindow } from './send-window.ts';
import { answerToRedirect, isRedirect, redirectModeOf } from './stamped-redirects.ts';
import { UnauthorizedAnswers } from './unauthorized-answers.ts';

// A 401 kept for the page while its replay runs is copied into memory up to this size.
const MAX_COPIED_BODY_BYTES = 1024 * 1024;

// The answers a server gives a request whose CSRF value or credentials it refuses (flask 401,
// Django 403, Laravel 419, others 400), besides the config's own expiry statuses: only these make
// the broker check whether kept cookie values stamped the request with an outdated value. Any 4xx
// would also catch a validation error, and a coincident change of the cookies would then send
// that request twice.
const CREDENTIAL_REFUSAL_STATUSES: readonly number[] = [400, 401, 403, 419];

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
  /** Learns how long credentials live and refreshes ahead of the next expiry; without it, only a readable expiry does. */
  readonly lifetime?: LifetimeLearner;
  /** Bearer mode: the token endpoint's and the logout routes' handling; without it, those are not taken. */
  readonly bearerRoutes?: BearerRoutes;
  /** Where each request's decisions are said (`"debug": true`); default: nowhere. */
  readonly decisions?: DecisionLog;
}

interface StampedHeaders {
  readonly headers: Headers;
  readonly generation: number;
  readonly expiresAtMs: number | undefined;
  readonly refreshAtMs: number | undefined;
  readonly refreshable: boolean;
  /** The source's record of the values it stamped, and whether they were kept ones (stamp-cache.ts). */
  readonly stampedWith: unknown;
  readonly fromKeptValues: boolean;
}

interface SentRequest {
  readonly response: Response;
  /** The credential generation the request was stamped with. */
  readonly generation: number;
  /** The API answered with a redirect: the broker stepped aside (stamped-redirects.ts). */
  readonly redirected: boolean;
  /** When it was sent and answered, on the lifetime learner's clock (0 without one). */
  readonly sentAtMs: number;
  readonly answeredAtMs: number;
  /** false: it was stamped with nothing a refresh could renew (bearer mode without a session). */
  readonly refreshable?: boolean;
  /** The source's record of the values it stamped (cookie mode), and whether they were kept ones. */
  readonly stampedWith?: unknown;
  readonly fromKeptValues?: boolean;
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
  readonly #lifetime: LifetimeLearner | undefined;
  readonly #bearerRoutes: BearerRoutes | undefined;
  readonly #decisions: DecisionLog;

  constructor(options: TokenBrokerOptions) {
    this.#config = options.config;
    this.#credentials = options.credentials;
    this.#coordinator = options.coordinator;
    this.#sendWindow = new SendWindow(options.config.maxConcurrentRequests);
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#now = options.now ?? (() => Date.now());
    this.#heldBodies = options.heldBodies ?? new HeldBodyBudget(options.config.maxHeldBodyBytes);
    this.#lifetime = options.lifetime;
    this.#decisions = options.decisions ?? SILENT_DECISIONS;
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

  /** The worker hears every change of the stamped cookies from now on: their values may be kept between stamps (stamp-cache.ts). */
  keepStampedValues(): void {
    this.#credentials.keepStampedValues?.();
  }

  /** A stamped cookie changed or went away (the Cookie Store's change event): kept values are dropped. */
  stampedCookiesChanged(): void {
    this.#credentials.forgetStampedValues?.();
  }

  /** A stamped cookie changed (the Cookie Store's change event): outside a refresh, credentials were issued (a login). */
  credentialsChanged(): void {
    if (this.#coordinator.refreshing || this.#coordinator.refreshEnded()) return;
    this.#lifetime?.credentialsIssued(this.#coordinator.record);
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
    if (this.#pageRefreshCalls && route === 'page-refresh') {
      this.#decisions.note('page refresh call', request);
      return this.#pageRefreshCalls.handle(request, clientId);
    }
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
    let first = await this.#send(captured, request.signal, client, request);
    if (!captured.replayable) return this.#noted('sent once', request, first, `${first.response.status}, generation ${first.generation}`);
    let answer = await this.#classify(first);
    if (this.#mayBeOutdatedStamp(first, answer)) {
      const again = await this.#sendAgainIfOutdated(captured, first, request, client);
      if (again !== first) {
        first = again;
        answer = await this.#classify(first);
      }
    }
    const status = `${first.response.status}, generation ${first.generation}`;
    if (first.redirected) return this.#noted('passed through', request, first, `${status}, through a redirect`);
    if (first.refreshable === false) return this.#noted('passed through', request, first, `${status}, no session to refresh`);
    if (answer === 'other') return this.#noted('passed through', request, first, status);
    if (answer === 'rejected') {
      // Never a refresh for it; one replay if it was sent with credentials that are no longer current.
      if (await this.#credentialsMovedSince(first.generation, request.signal)) return this.#replay(captured, first, request, client);
      return this.#noted('passed through', request, first, `${status}, not an expiry`);
    }

    this.#lifetime?.expiryAnswered(this.#coordinator.record, first.generation, first.sentAtMs, first.answeredAtMs);
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
      return this.#noted('not refreshed', request, { ...first, response: original, redirected: false }, 'the replay could not be sent: the original answer to the page');
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

  /** What the answer says; 'other' where the broker steps aside (a redirect, nothing to refresh with). */
  #classify(sent: SentRequest): Promise<AnswerKind> {
    if (sent.redirected || sent.refreshable === false) return Promise.resolve('other');
    return classifyAnswer(sent.response, this.#config.expiredWhen);
  }

  /**
   * Answered with what a CSRF mismatch may look like, by a request whose stamped cookie values may
   * have moved before it reached the server? Kept values (stamp-cache.ts) may be older than a
   * change whose event has not come; a fresh read may lag the jar too (seen in WebKit, a login in
   * another tab). A positive expiry goes straight on to its refresh: a fresh read first would let
   * requests waiting for a slot go out with the dead credentials meanwhile; a presumed one (a bare
   * status) of a fresh read does too, and the refresh's replay reads afresh anyway.
   */
  #mayBeOutdatedStamp(sent: SentRequest, answer: AnswerKind): boolean {
    if (sent.stampedWith === undefined || sent.redirected || answer === 'expired') return false;
    if (answer === 'presumed-expired' && !sent.fromKeptValues) return false;
    const { status } = sent.response;
    return CREDENTIAL_REFUSAL_STATUSES.includes(status) || this.#config.expiredWhen.status.includes(status);
  }

  /**
   * Sends once more if the values `first` was stamped with have changed since (a login whose
   * change event had not yet come, or that a read had not yet seen): its refusal (a CSRF mismatch)
   * is then owed to an old value, and the page gets the answer to the current ones.
   */
  async #sendAgainIfOutdated(captured: ReplayableRequest, first: SentRequest, request: Request, client: ClientContext | undefined): Promise<SentRequest> {
    if (!(await this.#credentials.stampOutdated?.(first.stampedWith))) return first;
    discardBody(first.response);
    this.#decisions.note('restamped', request, `${first.response.status}, generation ${first.generation}: the stamped cookie values had changed`);
    return this.#send(captured, request.signal, client, request);
  }

  /** Waits for a slot and for any refresh in flight, then stamps and sends. */
  async #send(captured: ReplayableRequest, signal: AbortSignal, client: ClientContext | undefined, request: Request): Promise<SentRequest> {
    const slot = await this.#sendWindow.acquire(signal);
    try {
      let stamped = await this.#stamp(captured, signal, client, request);
      const ahead = this.#refreshAheadDue(stamped);
      if (ahead !== undefined) {
        this.#decisions.note('refreshing ahead', request, `generation ${stamped.generation}`);
        // No request goes out with credentials about to die: refresh first (once; whatever it
        // says, the request then goes out with what there is).
        await untilAborted(signal, this.#coordinator.refreshFrom(stamped.generation, { evidence: ahead }));
        stamped = await this.#stamp(captured, signal, client, request);
      }
      slot.onTheWire();
      // Awaited here, not returned as a promise: the slot is released only once the answer came
      // (or once the request has been out for long: send-window.ts).
      return await this.#fetchStamped(captured, stamped);
    } finally {
      slot.release();
    }
  }

  /**
   * Are the stamped credentials about to expire, and how sure is that? The source's own moment
   * (bearer mode: before the token's expiry; past the expiry itself that is known, not presumed,
   * so it is refreshed even within the cooldown after the last refresh), else a readable expiry,
   * else the learned lifetime. undefined: not due.
   */
  #refreshAheadDue({ expiresAtMs, refreshAtMs, refreshable, generation }: StampedHeaders): ExpiryEvidence | undefined {
    if (!refreshable) return undefined;
    const now = this.#now();
    if (refreshAtMs !== undefined) {
      if (now < refreshAtMs) return undefined;
      return expiresAtMs !== undefined && now >= expiresAtMs ? 'positive' : 'presumed';
    }
    // A readable expiry first; one that lies far ahead (flask's one-year cookies) leaves it to the learner.
    if (expiresAtMs !== undefined && expiresAtMs - now <= this.#config.refreshAheadMs) return 'presumed';
    return this.#lifetime?.refreshAheadDue(this.#coordinator.record, generation, this.#coordinator.refreshing) ? 'presumed' : undefined;
  }

  /** Holds the request while a refresh runs (no request goes out with credentials known to be dead), then stamps its headers. */
  async #stamp(captured: ReplayableRequest, signal: AbortSignal, client: ClientContext | undefined, request: Request): Promise<StampedHeaders> {
    if (this.#coordinator.refreshing) {
      this.#decisions.note('held', request, 'a refresh is in flight');
      await untilAborted(signal, this.#coordinator.idle());
    }
    const generation = this.#coordinator.generation;
    const headers = new Headers(captured.headers);
    const target = { url: captured.url, method: captured.method, replayable: captured.replayable };
    const { expiresAtMs, refreshAtMs, refreshable = true, stampedWith, fromKeptValues = false } = await this.#credentials.stamp(headers, client, target);
    return { headers, generation, expiresAtMs, refreshAtMs, refreshable, stampedWith, fromKeptValues };
  }

  async #fetchStamped(captured: ReplayableRequest, { headers, generation, refreshable, stampedWith, fromKeptValues }: StampedHeaders): Promise<SentRequest> {
    const sentAtMs = this.#lifetime?.nowMs() ?? 0;
    const response = await this.#fetch(captured.build(headers, redirectModeOf(this.#config, captured)));
    const answeredAtMs = this.#lifetime?.nowMs() ?? 0;
    if (!isRedirect(response)) {
      if (response.ok) this.#lifetime?.answeredAlive(generation, sentAtMs);
      return { response, generation, redirected: false, sentAtMs, answeredAtMs, refreshable, stampedWith, fromKeptValues };
    }
    return { response: await answerToRedirect(captured, response, this.#fetch), generation, redirected: true, sentAtMs, answeredAtMs, refreshable, stampedWith, fromKeptValues };
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
