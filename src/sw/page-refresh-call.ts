// The page's own call to the refresh endpoint. Apps keep their refresh-on-401 interceptor, and
// some 401s still reach them (a body over maxReplayBodyBytes, a refused refresh). An interceptor
// that then calls the refresh endpoint beside the broker's own refresh spends the refresh token
// twice, and with rotation and reuse detection the server ends the session. So the call goes
// through the broker's single refresh:
// - a refresh already made since the 401 that prompted the call (unauthorized-answers.ts), or in
//   flight, or just made (within the cooldown): the call is answered from it, and the server
//   sees nothing;
// - otherwise the page's request IS the refresh: it goes out once, under the lock, as the single
//   flight that the broker's own 401s then join, and the page gets the server's own answer.
//   This holds after a failed refresh too (5xx, a timeout, a CSRF value the worker could not
//   read): the page's call may succeed where the broker's failed, and answering it with that
//   failure would send the app to its login screen for nothing.
// An answered call gets a 200 made here: it cannot carry the server's Set-Cookie headers (a
// worker cannot make a response that sets HttpOnly cookies), and it need not: the refresh it
// was answered from has put the new cookies in the jar already.

import { untilAborted } from './abortable.ts';
import type { CredentialSource } from './credential-source.ts';
import type { RefreshCoordinator, RefreshOutcome } from './refresh-coordinator.ts';
import type { UnauthorizedAnswers } from './unauthorized-answers.ts';

/** A credential source whose refresh sends through `send` instead of the worker's own fetch. */
export type RefreshThrough = (send: typeof fetch) => Pick<CredentialSource, 'refresh'>;

/** The header that marks an answer the broker made instead of the server. */
export const BROKER_ANSWER_HEADER = 'Token-Broker';

export interface PageRefreshCallsOptions {
  readonly coordinator: RefreshCoordinator;
  readonly refreshThrough: RefreshThrough;
  readonly unauthorized: UnauthorizedAnswers;
  readonly fetch: typeof fetch;
}

export class PageRefreshCalls {
  readonly #options: PageRefreshCallsOptions;

  constructor(options: PageRefreshCallsOptions) {
    this.#options = options;
  }

  async handle(request: Request, clientId: string): Promise<Response> {
    const { coordinator, unauthorized, refreshThrough } = this.#options;
    await coordinator.ready();
    // The credentials the page judges dead: those of its latest 401, else the current ones.
    const fromGeneration = unauthorized.latestFor(clientId) ?? coordinator.generation;
    // Refresh bodies are small (empty in cookie mode, a form in OAuth); read once, sent at most once.
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
    let serverAnswer: Response | undefined;
    const sendPageRequest = async (_input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const answer = await this.#options.fetch(pageRequestWith(request, body, init));
      serverAnswer = answer;
      // The coordinator reads (and discards) a copy; the page gets the answer itself.
      return answer.clone();
    };
    const outcome = await untilAborted(request.signal,
      coordinator.refreshFrom(fromGeneration, { via: refreshThrough(sendPageRequest), despiteRecentFailure: true }));
    return serverAnswer ?? answerFrom(outcome);
  }
}

/**
 * The page's request as the refresh: its URL, method, body and headers, with the broker's refresh
 * headers set over the page's (the same cookie values, read fresh). Not the page's abort signal:
 * once sent, the refresh is everyone's, and the page giving up must not lose its answer.
 */
function pageRequestWith(request: Request, body: ArrayBuffer | undefined, init: RequestInit | undefined): Request {
  const headers = new Headers(request.headers);
  new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
  return new Request(request.url, {
    method: request.method,
    headers,
    body,
    mode: request.mode,
    credentials: init?.credentials ?? request.credentials,
    cache: 'no-store',
    redirect: init?.redirect ?? request.redirect,
    referrer: request.referrer,
    referrerPolicy: request.referrerPolicy,
    signal: init?.signal ?? null,
  });
}

/** The answer for a call that did not go to the server, from the refresh it joined. */
function answerFrom(outcome: RefreshOutcome): Response {
  switch (outcome.kind) {
    case 'refreshed':
    case 'not-expiry':
      // 'not-expiry': the credentials are younger than the cooldown, as fresh as a refresh makes them.
      return brokerAnswer(200, 'joined-refresh', { refreshed: true });
    case 'session-expired':
      return brokerAnswer(401, 'session-expired', { msg: 'token-broker: the server refused the refresh; the session has ended' });
    case 'failed':
      return brokerAnswer(503, 'refresh-failed', { msg: 'token-broker: the refresh failed', reason: outcome.reason });
  }
}

function brokerAnswer(status: number, kind: string, body: Record<string, unknown>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', [BROKER_ANSWER_HEADER]: kind },
  });
}
