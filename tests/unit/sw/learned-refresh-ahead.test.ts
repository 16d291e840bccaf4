// The coordinator path of the lifetime learner: TokenBroker, RefreshCoordinator and
// LifetimeLearner as createTokenBroker wires them, against a server whose tokens die by a fake
// clock and which says nothing of their expiry. The assertions are the server's counts: 401s per
// token, refreshes per token.

import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sw/config.ts';
import type { CredentialSource } from '../../../src/sw/credential-source.ts';
import { MemoryGenerationStore, type GenerationStore } from '../../../src/sw/generation-store.ts';
import { LifetimeLearner } from '../../../src/sw/lifetime-learner.ts';
import { RefreshCoordinator } from '../../../src/sw/refresh-coordinator.ts';
import { NoRefreshLock } from '../../../src/sw/refresh-lock.ts';
import { TokenBroker } from '../../../src/sw/token-broker.ts';

const ORIGIN = 'https://app.example';
const LIFETIME_MS = 10_000;
const REQUEST_EVERY_MS = 200;

/** flask-jwt-extended with session cookies, in miniature: tokens die `lifetimeMs` after issue, silently. */
class TimedServer {
  readonly clock = { nowMs: 5_000_000 };
  lifetimeMs = LIFETIME_MS;
  /** The token the jar holds; the server accepts it until its death. */
  token = 0;
  #diesAtMs = 0;
  /** 401s answered, and refresh requests received, per token. */
  readonly expired401 = new Map<number, number>();
  readonly refreshesOf = new Map<number, number>();

  logIn(): void {
    this.#issue();
  }

  /** The current token dies now (revoked early, yet answered as expired). */
  revoke(): void {
    this.#diesAtMs = this.clock.nowMs;
  }

  refresh(): void {
    this.refreshesOf.set(this.token, (this.refreshesOf.get(this.token) ?? 0) + 1);
    this.#issue();
  }

  readonly fetch = (async (input: RequestInfo | URL): Promise<Response> => {
    const cred = Number((input as Request).headers.get('X-Cred'));
    if (cred !== this.token || this.clock.nowMs >= this.#diesAtMs) {
      this.expired401.set(cred, (this.expired401.get(cred) ?? 0) + 1);
      return new Response(JSON.stringify({ msg: 'Token has expired' }), { status: 401 });
    }
    return new Response('ok');
  }) as typeof fetch;

  /** The tokens that met at least one 401: one "401 round" each. */
  tokensThatMet401(): number[] {
    return [...this.expired401.keys()];
  }

  #issue(): void {
    this.token += 1;
    this.#diesAtMs = this.clock.nowMs + this.lifetimeMs;
  }
}

function brokerFor(server: TimedServer, options: { learn?: boolean; store?: GenerationStore } = {}) {
  const config = resolveConfig({
    api: ['/api/'],
    refresh: { url: '/token/refresh' },
    headers: { 'X-Cred': { cookie: 'cred' } },
    expiredWhen: { status: [401], jsonField: { name: 'msg', values: ['Token has expired'] } },
    refreshAheadMs: 1_000,
    cooldownMs: 1_000,
  }, ORIGIN);
  const now = () => server.clock.nowMs;
  const credentials: CredentialSource = {
    stamp: async (headers) => {
      headers.set('X-Cred', String(server.token));
      return { expiresAtMs: undefined }; // session cookies: nothing to read
    },
    refresh: async () => {
      server.refresh();
      return { kind: 'refreshed' };
    },
    fingerprint: async () => undefined,
  };
  const lifetime = options.learn === false ? undefined : new LifetimeLearner({ refreshAheadMs: 1_000, cooldownMs: 1_000, now });
  const coordinator = new RefreshCoordinator({
    credentials, store: options.store ?? new MemoryGenerationStore(), lock: new NoRefreshLock(),
    announce: () => undefined, refreshTimeoutMs: 1_000, cooldownMs: 1_000, now, lifetime,
  });
  return new TokenBroker({ config, credentials, coordinator, fetch: server.fetch, lifetime });
}

/** Steady traffic: a request every REQUEST_EVERY_MS of the fake clock for `durationMs`; every answer must be 200. */
async function traffic(server: TimedServer, broker: TokenBroker, durationMs: number): Promise<void> {
  for (let elapsed = 0; elapsed < durationMs; elapsed += REQUEST_EVERY_MS) {
    server.clock.nowMs += REQUEST_EVERY_MS;
    const response = await broker.handle(new Request(`${ORIGIN}/api/items`));
    expect(response.status).toBe(200);
  }
}

/** Every token refreshed at most once. */
function refreshesPerToken(server: TimedServer): number[] {
  return [...new Set(server.refreshesOf.values())];
}

describe('refresh ahead of a learned lifetime', () => {
  it('after the first expiry of a login, refreshes ahead of every later one: 401s at the first expiry only, one refresh per expiry', async () => {
    const server = new TimedServer();
    const broker = brokerFor(server);
    server.logIn();
    broker.credentialsChanged(); // the login's cookie change event
    await traffic(server, broker, 10 * LIFETIME_MS);
    expect(server.tokensThatMet401()).toEqual([1]);
    expect(server.token).toBeGreaterThanOrEqual(11); // ten expiries or more, each with its refresh
    expect(refreshesPerToken(server)).toEqual([1]);
  });

  it('without learning, every expiry costs a 401 round (the reactive broker, for comparison)', async () => {
    const server = new TimedServer();
    const broker = brokerFor(server, { learn: false });
    server.logIn();
    broker.credentialsChanged();
    await traffic(server, broker, 10 * LIFETIME_MS);
    expect(server.tokensThatMet401()).toHaveLength(server.token - 1);
    expect(refreshesPerToken(server)).toEqual([1]);
  });

  it('where the login went unseen, learns from the first refresh\'s generation: 401s at the first two expiries only', async () => {
    const server = new TimedServer();
    const broker = brokerFor(server);
    server.logIn();
    await traffic(server, broker, 10 * LIFETIME_MS);
    expect(server.tokensThatMet401()).toEqual([1, 2]);
    expect(refreshesPerToken(server)).toEqual([1]);
  });

  it('follows a lifetime that shrinks at the cost of one 401 round', async () => {
    const server = new TimedServer();
    const broker = brokerFor(server);
    server.logIn();
    broker.credentialsChanged();
    await traffic(server, broker, 3 * LIFETIME_MS);
    const before = server.token;
    server.lifetimeMs = 6_000; // from the next token on
    await traffic(server, broker, 10 * 6_000);
    expect(server.tokensThatMet401()).toEqual([1, before + 1]);
    expect(refreshesPerToken(server)).toEqual([1]);
  });

  it('pays one 401 round for a token revoked early, refreshes its generation once, and never storms after it', async () => {
    const server = new TimedServer();
    const broker = brokerFor(server);
    server.logIn();
    broker.credentialsChanged();
    await traffic(server, broker, 3 * LIFETIME_MS + 3_000);
    const revoked = server.token;
    server.revoke(); // some seconds into its life
    await traffic(server, broker, 6 * LIFETIME_MS);
    expect(server.tokensThatMet401()).toEqual([1, revoked]);
    expect(refreshesPerToken(server)).toEqual([1]);
    // Refreshed no more often than the shortest life seen (the revoked token's) allows.
    const refreshes = [...server.refreshesOf.values()].reduce((sum, n) => sum + n, 0);
    expect(refreshes).toBeLessThanOrEqual(3 + 1 + Math.ceil((6 * LIFETIME_MS) / 2_000));
  });

  it('learns nothing from an expiry the page slept through, and refreshes ahead once it wakes instead of meeting a 401', async () => {
    const server = new TimedServer();
    const broker = brokerFor(server);
    server.logIn();
    broker.credentialsChanged();
    await traffic(server, broker, 2_000);
    server.clock.nowMs += 60_000; // asleep through the first expiry
    await traffic(server, broker, 4 * LIFETIME_MS);
    // The wake-up met the dead token (learning nothing: it could not place the expiry within
    // refreshAheadMs), the next expiry taught the lifetime, and none after met a 401.
    expect(server.tokensThatMet401()).toEqual([1, 2]);
    const learnedAt = server.token;
    server.clock.nowMs += 60_000; // asleep again, past the predicted expiry
    await traffic(server, broker, 2 * LIFETIME_MS);
    expect(server.tokensThatMet401()).toEqual([1, 2]);
    expect(server.token).toBeGreaterThan(learnedAt);
    expect(refreshesPerToken(server)).toEqual([1]);
  });

  it('keeps what it learned across a worker restart (the lifetime travels with the generation record)', async () => {
    const server = new TimedServer();
    const store = new MemoryGenerationStore();
    server.logIn();
    const first = brokerFor(server, { store });
    first.credentialsChanged();
    await traffic(server, first, 2 * LIFETIME_MS + 500);
    expect((await store.read()).lifetimeMs).toBeGreaterThan(LIFETIME_MS - 2 * REQUEST_EVERY_MS);
    expect((await store.read()).lifetimeMs).toBeLessThanOrEqual(LIFETIME_MS);
    const restarted = brokerFor(server, { store });
    await traffic(server, restarted, 5 * LIFETIME_MS);
    expect(server.tokensThatMet401()).toEqual([1]);
    expect(refreshesPerToken(server)).toEqual([1]);
  });
});
