import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sw/config.ts';
import type { CredentialSource, RefreshResult } from '../../../src/sw/credential-source.ts';
import { MemoryGenerationStore } from '../../../src/sw/generation-store.ts';
import { RefreshCoordinator } from '../../../src/sw/refresh-coordinator.ts';
import { NoRefreshLock } from '../../../src/sw/refresh-lock.ts';
import { HeldBodyBudget } from '../../../src/sw/held-body-budget.ts';
import { TokenBroker } from '../../../src/sw/token-broker.ts';

const ORIGIN = 'https://app.example';

/** A server whose access credential is the header X-Cred: valid when it equals `validCred`. */
function setup(options: {
  refreshResult?: RefreshResult; maxReplayBodyBytes?: number; alwaysUnauthorized?: boolean; replayNetworkError?: boolean; maxConcurrentRequests?: number;
  /** The credential's lifetime as the source tells it (refresh ahead); default: unknown. */
  credentialLifetimeMs?: number;
  /** The refresh answers only once this settles; default: at once. */
  refreshAnswered?: Promise<void>;
  /** Every 401 is chunked and never ends: the server writes its start and stops. */
  endless401?: boolean;
  maxHeldBodyBytes?: number;
  /** The first sends are answered only once this many have arrived, all at once (as a burst meets one expiry). */
  firstSendsAnsweredTogether?: number;
  heldBodies?: HeldBodyBudget;
} = {}) {
  const state = {
    validCred: 'cred-1', refreshes: 0, sent: [] as { url: string; cred: string | null; body: string }[], inFlight: 0, maxInFlight: 0,
    /** How many endless 401 bodies were cancelled (their connection given back). */
    endlessBodiesCancelled: 0,
  };
  const config = resolveConfig({
    api: ['/api/'],
    refresh: { url: '/token/refresh' },
    headers: { 'X-Cred': { cookie: 'cred' } },
    maxReplayBodyBytes: options.maxReplayBodyBytes,
    maxConcurrentRequests: options.maxConcurrentRequests,
    ...(options.maxHeldBodyBytes === undefined ? {} : { maxHeldBodyBytes: options.maxHeldBodyBytes }),
  }, ORIGIN);
  let arrivedTogether = 0;
  let allArrived!: () => void;
  const togetherAnswered = new Promise<void>((resolve) => { allArrived = resolve; });
  let currentCookie = 'cred-0';
  let cookieSetAtMs = Date.now();
  const credentials: CredentialSource = {
    stamp: async (headers) => {
      headers.set('X-Cred', currentCookie);
      return { expiresAtMs: options.credentialLifetimeMs === undefined ? undefined : cookieSetAtMs + options.credentialLifetimeMs };
    },
    refresh: async () => {
      state.refreshes += 1;
      await options.refreshAnswered;
      const result = options.refreshResult ?? { kind: 'refreshed' };
      if (result.kind === 'refreshed') {
        currentCookie = state.validCred;
        cookieSetAtMs = Date.now();
      }
      return result;
    },
  };
  const fetchImpl = async (input: RequestInfo | URL): Promise<Response> => {
    const request = input as Request;
    const cred = request.headers.get('X-Cred');
    if (options.replayNetworkError && cred === state.validCred) throw new TypeError('Failed to fetch');
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    state.sent.push({ url: request.url, cred, body: await request.text() });
    if (options.firstSendsAnsweredTogether !== undefined && cred !== state.validCred) {
      arrivedTogether += 1;
      if (arrivedTogether === options.firstSendsAnsweredTogether) allArrived();
      await togetherAnswered;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
    state.inFlight -= 1;
    if (options.alwaysUnauthorized || cred !== state.validCred) {
      if (options.endless401) return endlessUnauthorized(() => { state.endlessBodiesCancelled += 1; });
      return new Response(JSON.stringify({ msg: 'Token has expired' }), { status: 401 });
    }
    return new Response('ok', { status: 200 });
  };
  const coordinator = new RefreshCoordinator({
    credentials,
    store: new MemoryGenerationStore(),
    lock: new NoRefreshLock(),
    announce: () => undefined,
    refreshTimeoutMs: 1_000,
    cooldownMs: 1_000,
  });
  const broker = new TokenBroker({ config, credentials, coordinator, fetch: fetchImpl as typeof fetch, heldBodies: options.heldBodies });
  return { broker, state };
}

function endlessUnauthorized(onCancel: () => void): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) { controller.enqueue(new TextEncoder().encode('{"msg": "Token has')); },
    cancel: onCancel,
  });
  return new Response(body, { status: 401, headers: { 'content-type': 'application/json' } });
}

describe('TokenBroker', () => {
  it('brokers only requests under the api prefixes, never the refresh request or navigations', () => {
    const { broker } = setup();
    expect(broker.matches(new Request(`${ORIGIN}/api/items`))).toBe(true);
    expect(broker.matches(new Request(`${ORIGIN}/api/items`, { method: 'DELETE' }))).toBe(true);
    expect(broker.matches(new Request(`${ORIGIN}/static/app.js`))).toBe(false);
    expect(broker.matches(new Request('https://other.example/api/items'))).toBe(false);
    expect(broker.matches(new Request(`${ORIGIN}/token/refresh`, { method: 'POST' }))).toBe(false);
    expect(broker.matches(new Request(`${ORIGIN}/api/stream`, { headers: { accept: 'text/event-stream' } }))).toBe(false);
    expect(broker.matches(new Request(`${ORIGIN}/api/beacon`, { keepalive: true }))).toBe(false);
  });

  it('refreshes once for concurrent 401s and replays each request with its body and fresh credentials', async () => {
    const { broker, state } = setup();
    const responses = await Promise.all(Array.from({ length: 5 }, (_, i) =>
      broker.handle(new Request(`${ORIGIN}/api/echo/${i}`, { method: 'POST', body: `body-${i}` }))));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(state.refreshes).toBe(1);
    const replays = state.sent.filter((s) => s.cred === 'cred-1');
    expect(replays.map((s) => s.body).sort()).toEqual(['body-0', 'body-1', 'body-2', 'body-3', 'body-4']);
  });

  it('keeps at most maxConcurrentRequests on the wire, and sends the waiting ones with the fresh credentials', async () => {
    const { broker, state } = setup({ maxConcurrentRequests: 3 });
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => broker.handle(new Request(`${ORIGIN}/api/items/${i}`))));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(state.maxInFlight).toBe(3);
    expect(state.refreshes).toBe(1);
    // Only the first window's worth met the expired credential; the rest waited and went out fresh.
    expect(state.sent.filter((s) => s.cred === 'cred-0').length).toBeLessThanOrEqual(3);
  });

  it('refreshes ahead when the source says the credentials are about to expire, so no request meets a 401', async () => {
    // cred-0 expires within refreshAheadMs (default 2 s) of now.
    const { broker, state } = setup({ credentialLifetimeMs: 1_000 });
    const responses = await Promise.all(Array.from({ length: 5 }, (_, i) => broker.handle(new Request(`${ORIGIN}/api/items/${i}`))));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(state.refreshes).toBe(1);
    expect(state.sent.every((s) => s.cred === 'cred-1')).toBe(true);
    expect(state.sent).toHaveLength(5);
  });

  it('ends a request aborted while it waits for a refresh ahead, and gives its slot to the next one', async () => {
    let answerRefresh!: () => void;
    const refreshAnswered = new Promise<void>((resolve) => { answerRefresh = resolve; });
    const { broker, state } = setup({ credentialLifetimeMs: 1_000, maxConcurrentRequests: 1, refreshAnswered });
    const controller = new AbortController();
    const aborted = broker.handle(new Request(`${ORIGIN}/api/items/aborted`, { signal: controller.signal }));
    const next = broker.handle(new Request(`${ORIGIN}/api/items/next`));
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(new DOMException('the page gave up', 'AbortError'));
    await expect(aborted).rejects.toThrow('the page gave up');
    answerRefresh();
    // With a window of one, the next request could only be sent if the aborted one gave its slot back.
    expect((await next).status).toBe(200);
    expect(state.refreshes).toBe(1);
    expect(state.sent.map((s) => s.url)).toEqual([`${ORIGIN}/api/items/next`]);
  });

  it('does not refresh ahead while the credentials have longer to live', async () => {
    const { broker, state } = setup({ credentialLifetimeMs: 60_000, alwaysUnauthorized: false });
    state.validCred = 'cred-0';
    const response = await broker.handle(new Request(`${ORIGIN}/api/items`));
    expect(response.status).toBe(200);
    expect(state.refreshes).toBe(0);
  });

  it('replays at most once: an endpoint that always answers 401 gets its 401 back after one replay', async () => {
    const { broker, state } = setup({ alwaysUnauthorized: true });
    const response = await broker.handle(new Request(`${ORIGIN}/api/always-401`));
    expect(response.status).toBe(401);
    expect(state.sent).toHaveLength(2);
    expect(state.refreshes).toBe(1);
    const again = await broker.handle(new Request(`${ORIGIN}/api/always-401`));
    expect(again.status).toBe(401);
    expect(state.refreshes).toBe(1);
  });

  it('gives the page its original 401, body intact, when the session is over', async () => {
    const { broker, state } = setup({ refreshResult: { kind: 'refused', status: 401 } });
    const response = await broker.handle(new Request(`${ORIGIN}/api/items`));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ msg: 'Token has expired' });
    expect(state.sent).toHaveLength(1);
  });

  it('gives the page its original 401 when the replay cannot be sent (offline), not a network error', async () => {
    const { broker, state } = setup({ replayNetworkError: true });
    const response = await broker.handle(new Request(`${ORIGIN}/api/items`));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ msg: 'Token has expired' });
    expect(state.refreshes).toBe(1);
  });

  it('sends a body over the replay bound once, and returns its 401 without refreshing', async () => {
    const { broker, state } = setup({ maxReplayBodyBytes: 4 });
    const response = await broker.handle(new Request(`${ORIGIN}/api/upload`, { method: 'PUT', body: 'too large' }));
    expect(response.status).toBe(401);
    expect(state.sent).toEqual([{ url: `${ORIGIN}/api/upload`, cred: 'cred-0', body: 'too large' }]);
    expect(state.refreshes).toBe(0);
  });

  it('ends a held request with the page\'s own abort', async () => {
    const { broker } = setup();
    const controller = new AbortController();
    controller.abort(new DOMException('the page gave up', 'AbortError'));
    await expect(broker.handle(new Request(`${ORIGIN}/api/items`, { signal: controller.signal })))
      .rejects.toThrow('the page gave up');
  });

  it('replays a request whose 401 body never ends, having let go of that body (and its connection) first', async () => {
    const { broker, state } = setup({ endless401: true });
    const response = await broker.handle(new Request(`${ORIGIN}/api/items`));
    expect(response.status).toBe(200);
    expect(state.refreshes).toBe(1);
    expect(state.sent).toHaveLength(2);
    // Both endless 401s let go of: the first by the broker before its replay.
    expect(state.endlessBodiesCancelled).toBe(1);
  }, 15_000);

  it('gives the page the endless 401\'s status and start, then a cut body, when the replay cannot be sent', async () => {
    const { broker, state } = setup({ endless401: true, replayNetworkError: true });
    const response = await broker.handle(new Request(`${ORIGIN}/api/items`));
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(state.refreshes).toBe(1);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('{"msg": "Token has');
    await expect(reader.read()).rejects.toThrow('cut short');
  }, 15_000);

  // Run on the code before the budget with the default config and six 8 MiB uploads, this gave
  // six 200s: every body was held. Kept small here (undici takes seconds per 8 MiB body).
  it('holds at most maxHeldBodyBytes of bodies: of six uploads meeting one expiry, the four that fit are replayed, two get their 401, none is lost', async () => {
    const { broker, state } = setup({ firstSendsAnsweredTogether: 6, maxReplayBodyBytes: 1_000, maxHeldBodyBytes: 4_000 });
    const body = (i: number) => `${i}`.repeat(1_000);
    const responses = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      broker.handle(new Request(`${ORIGIN}/api/upload/${i}`, { method: 'PUT', body: body(i) }))));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 401, 401]);
    expect(state.refreshes).toBe(1);
    // Every upload reached the server whole, the replayed ones twice.
    for (let i = 0; i < 6; i += 1) {
      const sends = state.sent.filter((s) => s.url === `${ORIGIN}/api/upload/${i}`);
      expect(sends.map((s) => s.body)).toEqual(responses[i]!.status === 200 ? [body(i), body(i)] : [body(i)]);
    }
  });

  it('gives held bytes back when a request ends: answered, failed or aborted', async () => {
    const heldBodies = new HeldBodyBudget(1_000);
    const { broker } = setup({ heldBodies, maxReplayBodyBytes: 500, maxHeldBodyBytes: 1_000 });
    const answered = await broker.handle(new Request(`${ORIGIN}/api/echo`, { method: 'POST', body: 'x'.repeat(400) }));
    expect(answered.status).toBe(200);
    expect(heldBodies.heldBytes).toBe(0);

    const failing = setup({ heldBodies, replayNetworkError: true, maxReplayBodyBytes: 500, maxHeldBodyBytes: 1_000 });
    failing.state.validCred = 'cred-0'; // the first send goes to the network, which fails
    await expect(failing.broker.handle(new Request(`${ORIGIN}/api/echo`, { method: 'POST', body: 'x'.repeat(400) }))).rejects.toThrow('Failed to fetch');
    expect(heldBodies.heldBytes).toBe(0);

    // Aborted while it waits for a refresh that does not answer.
    const held = setup({ heldBodies, refreshAnswered: new Promise<void>(() => undefined), maxReplayBodyBytes: 500, maxHeldBodyBytes: 1_000 });
    const controller = new AbortController();
    const aborted = held.broker.handle(new Request(`${ORIGIN}/api/echo`, { method: 'POST', body: 'x'.repeat(400), signal: controller.signal }));
    await expect.poll(() => held.state.refreshes).toBe(1);
    expect(heldBodies.heldBytes).toBe(400);
    controller.abort(new DOMException('the page gave up', 'AbortError'));
    await expect(aborted).rejects.toThrow('the page gave up');
    expect(heldBodies.heldBytes).toBe(0);
  });
});
