// The life of a brokered request: make it replayable, hold it while a refresh is in flight,
// stamp it, send it; on a 401, join the one refresh and replay once. Whatever the replay
// answers goes back to the page, and so does anything that is not a refresh-worthy 401.

import { untilAborted } from './abortable.ts';
import { BODY_READ_TIMEOUT_MS, readBodyWithin } from './bounded-body-read.ts';
import type { TokenBrokerConfig } from './config.ts';
import type { ClientContext, CredentialSource } from './credential-source.ts';
import type { RefreshCoordinator } from './refresh-coordinator.ts';
import { isExpiredAnswer } from './expiry-detector.ts';
import { HeldBodyBudget } from './held-body-budget.ts';
import { captureRequest, type ReplayableRequest } from './replayable-request.ts';
import { isBrokered } from './request-matcher.ts';
import { SendWindow } from './send-window.ts';
import { answerToRedirect, isRedirect, redirectModeOf } from './stamped-redirects.ts';

// A 401 kept for the page while its replay runs is copied into memory up to this size.
const MAX_COPIED_BODY_BYTES = 1024 * 1024;

export interface TokenBrokerOptions {
  readonly config: TokenBrokerConfig;
  readonly credentials: CredentialSource;
  readonly coordinator: RefreshCoordinator;
  readonly fetch?: typeof fetch;
  /** Wall clock in ms since the epoch, compared with the credentials' expiry. */
  readonly now?: () => number;
  /** Where bodies kept for a replay are counted; default: one of `config.maxHeldBodyBytes`. */
  readonly heldBodies?: HeldBodyBudget;
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

  constructor(options: TokenBrokerOptions) {
    this.#config = options.config;
    this.#credentials = options.credentials;
    this.#coordinator = options.coordinator;
    this.#sendWindow = new SendWindow(options.config.maxConcurrentRequests);
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#now = options.now ?? Date.now;
    this.#heldBodies = options.heldBodies ?? new HeldBodyBudget(options.config.maxHeldBodyBytes);
  }

  matches(request: Request): boolean {
    return isBrokered(request, this.#config);
  }

  /** `client`: the tab the request comes from, when known. */
  async handle(request: Request, client?: ClientContext): Promise<Response> {
    const captured = await captureRequest(request, this.#config.maxReplayBodyBytes, this.#heldBodies);
    try {
      return await this.#handleCaptured(request, captured, client);
    } finally {
      captured.release(); // however the request ended: answered, failed or aborted
    }
  }

  async #handleCaptured(request: Request, captured: ReplayableRequest, client: ClientContext | undefined): Promise<Response> {
    await this.#coordinator.ready();
    const first = await this.#send(captured, request.signal, client);
    if (!captured.replayable || first.redirected || !(await isExpiredAnswer(first.response, this.#config.expiredWhen))) return first.response;

    const outcome = await untilAborted(request.signal, this.#coordinator.refreshFrom(first.generation));
    if (outcome.kind !== 'refreshed') return first.response;

    // Keep the 401 in case the replay cannot be sent: then the page gets what it would have got
    // without the broker, not a network error.
    const original = await keepForFallback(first.response);
    try {
      return (await this.#send(captured, request.signal, client)).response;
    } catch (error) {
      if (request.signal.aborted) throw error;
      return original;
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
