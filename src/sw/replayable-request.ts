// A page's request turned into something the broker can send twice: the body is read once
// into memory (up to a bound, and within the worker's budget for held bodies) and every send
// builds a fresh Request from that copy.

import type { HeldBodyBudget } from './held-body-budget.ts';

export interface ReplayableRequest {
  readonly url: string;
  readonly method: string;
  /** How the page asked for redirects to be handled. */
  readonly redirect: RequestRedirect;
  /** The page's own headers; the broker stamps credential headers on a copy at each send. */
  readonly headers: Headers;
  /** False when the body was over the replay bound or the budget: it may be sent once only. */
  readonly replayable: boolean;
  /** A new Request with these headers and redirect mode, the page's body, options and abort signal. */
  build(headers: Headers, redirect: RequestRedirect): Request;
  /** Gives the body's bytes back to the budget. Call it once the request has ended, however it ended. */
  release(): void;
}

export async function captureRequest(request: Request, maxReplayBodyBytes: number, heldBodies: HeldBodyBudget): Promise<ReplayableRequest> {
  const body = request.body === null || request.method === 'GET' || request.method === 'HEAD'
    ? undefined
    : await readBody(request, maxReplayBodyBytes, heldBodies);
  let sends = 0;
  const replayable = body === undefined || body.held;

  return {
    url: request.url,
    method: request.method,
    redirect: request.redirect,
    headers: new Headers(request.headers),
    replayable,
    build(headers: Headers, redirect: RequestRedirect): Request {
      sends += 1;
      if (!replayable && sends > 1) throw new Error('token-broker: a body over the replay bound cannot be sent twice');
      return new Request(request.url, {
        method: request.method,
        headers,
        body: body?.bytes,
        // Same credentials mode, mode and cache rules as the page asked for: the broker never
        // makes a request the page could not have made.
        mode: request.mode,
        credentials: request.credentials,
        cache: request.cache,
        redirect, // see stamped-redirects.ts
        referrer: request.referrer,
        referrerPolicy: request.referrerPolicy,
        integrity: request.integrity,
        signal: request.signal,
      });
    },
    release: body?.release ?? (() => undefined),
  };
}

interface CapturedBody {
  readonly bytes: ArrayBuffer | Blob;
  /** Kept in the worker's memory, within the replay bound and the budget: it can be replayed. */
  readonly held: boolean;
  readonly release: () => void;
}

/**
 * Reads the whole body once. Within the replay bound and the budget it is kept as bytes in the
 * worker's memory: a Blob body costs a round trip to the browser's blob store at every send,
 * which measured here as much of the broker's cost per request when 10 tabs send 200 requests
 * each. Otherwise it stays a Blob, which the browser may keep out of the worker's memory, and is
 * sent once.
 */
async function readBody(request: Request, maxReplayBodyBytes: number, heldBodies: HeldBodyBudget): Promise<CapturedBody> {
  const blob = await request.blob();
  const release = blob.size <= maxReplayBodyBytes ? heldBodies.tryHold(blob.size) : undefined;
  if (release === undefined) return { bytes: blob, held: false, release: () => undefined };
  try {
    // The page's Content-Type (a multipart boundary, for one) is in its headers, which are kept.
    return { bytes: await blob.arrayBuffer(), held: true, release };
  } catch (error) {
    release();
    throw error;
  }
}
