// The life of a brokered request: make it replayable, hold it while a refresh is in flight,
// stamp it, send it; on a 401, join the one refresh and replay once. Whatever the replay
// answers goes back to the page, and so does anything that is not a refresh-worthy 401, except
// a refusal (a CSRF mismatch) of credentials that moved on before its answer came: replayed once.

import { untilAborted } from './abortable.ts';
import type { TokenBrokerConfig } from './config.ts';
import type { CredentialSource } from './credential-source.ts';
import type { RefreshCoordinator } from './refresh-coordinator.ts';
import { classifyAnswer, type AnswerKind } from './expiry-detector.ts';
import { captureRequest, type ReplayableRequest } from './replayable-request.ts';
import { isBrokered } from './request-matcher.ts';
import { SendWindow } from './send-window.ts';

export interface TokenBrokerOptions {
  readonly config: TokenBrokerConfig;
  readonly credentials: CredentialSource;
  readonly coordinator: RefreshCoordinator;
  readonly fetch?: typeof fetch;
  /** Wall clock in ms since the epoch, compared with the credentials' expiry. */
  readonly now?: () => number;
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

  constructor(options: TokenBrokerOptions) {
    this.#config = options.config;
    this.#credentials = options.credentials;
    this.#coordinator = options.coordinator;
    this.#sendWindow = new SendWindow(options.config.maxConcurrentRequests);
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#now = options.now ?? Date.now;
  }

  matches(request: Request): boolean {
    return isBrokered(request, this.#config);
  }

  /**
   * Answers a brokered request. `keepAlive` (the fetch event's waitUntil) is handed the refresh
   * still running when the answer goes back, so that the worker lives until the refresh ends.
   */
  async handle(request: Request, keepAlive?: (work: Promise<void>) => void): Promise<Response> {
    try {
      return await this.#handle(request);
    } finally {
      const refreshEnded = this.#coordinator.refreshEnded();
      if (refreshEnded) keepAlive?.(refreshEnded);
    }
  }

  async #handle(request: Request): Promise<Response> {
    const captured = await captureRequest(request, this.#config.maxReplayBodyBytes);
    await this.#coordinator.ready();
    const first = await this.#send(captured, request.signal);
    if (!captured.replayable) return first.response;
    const answer = await classifyAnswer(first.response, this.#config.expiredWhen);
    if (answer === 'other') return first.response;
    if (answer === 'rejected') {
      // Never a refresh for it; one replay if it was sent with credentials that are no longer current.
      return (await this.#credentialsMovedSince(first.generation, request.signal)) ? this.#replay(captured, first, request.signal) : first.response;
    }

    const evidence = answer === 'expired' ? 'positive' : 'presumed';
    const outcome = await untilAborted(request.signal, this.#coordinator.refreshFrom(first.generation, evidence));
    if (outcome.kind !== 'refreshed') return first.response;
    return this.#replay(captured, first, request.signal);
  }

  /** Sends `captured` once more with the current credentials; whatever it answers goes to the page. */
  async #replay(captured: ReplayableRequest, first: SentRequest, signal: AbortSignal): Promise<Response> {
    // Keep the 401 (an error answer: a small body) in case the replay cannot be sent: then the
    // page gets what it would have got without the broker, not a network error.
    const original = await copyResponse(first.response);
    let replay: SentRequest;
    try {
      replay = await this.#send(captured, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      return original;
    }
    // Fresh credentials, and still "expired": that refresh did not help; the next one backs off.
    if (isExpiry(await classifyAnswer(replay.response, this.#config.expiredWhen))) this.#coordinator.refreshDidNotHelp(replay.generation);
    return replay.response;
  }

  /** Did a refresh land after a request stamped with `stampedGeneration` (waiting for one that is landing)? */
  async #credentialsMovedSince(stampedGeneration: number, signal: AbortSignal): Promise<boolean> {
    if (this.#coordinator.refreshing) await untilAborted(signal, this.#coordinator.idle());
    return this.#coordinator.generation > stampedGeneration;
  }

  /** Waits for a slot and for any refresh in flight, then stamps and sends. */
  async #send(captured: ReplayableRequest, signal: AbortSignal): Promise<SentRequest> {
    await this.#sendWindow.acquire(signal);
    try {
      const stamped = await this.#stamp(captured, signal);
      if (stamped.expiresAtMs !== undefined && stamped.expiresAtMs - this.#now() <= this.#config.refreshAheadMs) {
        // No request goes out with credentials about to die: refresh first (once; whatever it
        // says, the request then goes out with what there is).
        await untilAborted(signal, this.#coordinator.refreshFrom(stamped.generation));
        return await this.#fetchStamped(captured, await this.#stamp(captured, signal));
      }
      // Awaited here, not returned as a promise: the slot is released only once the answer came.
      return await this.#fetchStamped(captured, stamped);
    } finally {
      this.#sendWindow.release();
    }
  }

  /** Holds the request while a refresh runs (no request goes out with credentials known to be dead), then stamps its headers. */
  async #stamp(captured: ReplayableRequest, signal: AbortSignal): Promise<StampedHeaders> {
    if (this.#coordinator.refreshing) await untilAborted(signal, this.#coordinator.idle());
    const generation = this.#coordinator.generation;
    const headers = new Headers(captured.headers);
    const { expiresAtMs } = await this.#credentials.stamp(headers);
    return { headers, generation, expiresAtMs };
  }

  async #fetchStamped(captured: ReplayableRequest, { headers, generation }: StampedHeaders): Promise<SentRequest> {
    return { response: await this.#fetch(captured.build(headers)), generation };
  }
}

function isExpiry(kind: AnswerKind): boolean {
  return kind === 'expired' || kind === 'presumed-expired';
}

/** A copy of `response` whose body is already in memory, so the connection is free. */
async function copyResponse(response: Response): Promise<Response> {
  const body = await response.blob();
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
