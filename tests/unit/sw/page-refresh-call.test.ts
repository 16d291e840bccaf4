import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sw/config.ts';
import { MemoryGenerationStore } from '../../../src/sw/generation-store.ts';
import { delay, FakeBackend, FakeLocks, FakeTabBus, ORIGIN } from './fake-origin.ts';

// workbox-routing, which install-token-broker.ts imports, reads the worker's `self` when loaded.
(globalThis as { self?: unknown }).self ??= globalThis;
const { createTokenBroker } = await import('../../../src/sw/install-token-broker.ts');

const MAX_REPLAY_BODY_BYTES = 64;

function setup(options: { cooldownMs?: number } = {}) {
  const backend = new FakeBackend();
  backend.logIn();
  const config = resolveConfig({
    preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' },
    maxReplayBodyBytes: MAX_REPLAY_BODY_BYTES, cooldownMs: options.cooldownMs ?? 3_000,
  }, ORIGIN);
  const bus = new FakeTabBus();
  const broker = createTokenBroker(config, {
    store: new MemoryGenerationStore(), cookies: backend.cookies, locks: new FakeLocks().asLockManager(), tabChannel: bus.open(), fetch: backend.fetch,
  });
  /** What the seed's axios interceptor sends: the refresh CSRF value from document.cookie, no body. */
  const pageRefreshCall = (clientId: string) => broker.handle(new Request(`${ORIGIN}/token/refresh`, {
    method: 'POST', headers: { 'X-CSRF-TOKEN': backend.jar.get('csrf_refresh_token')!, 'X-Page-Marker': clientId },
  }), { client: { clientId } });
  const get = (clientId: string, i = 0) => broker.handle(new Request(`${ORIGIN}/api/items/${i}`), { client: { clientId } });
  const upload = (clientId: string) => broker.handle(new Request(`${ORIGIN}/api/echo`, {
    method: 'POST', body: 'x'.repeat(MAX_REPLAY_BODY_BYTES + 1), headers: { 'X-CSRF-TOKEN': backend.jar.get('csrf_access_token')! },
  }), { client: { clientId } });
  return { backend, broker, bus, pageRefreshCall, get, upload };
}

/** Holds the backend's refresh answers until the returned function is called. */
function holdRefreshes(backend: FakeBackend): () => void {
  let release!: () => void;
  backend.refreshGate = new Promise<void>((resolve) => { release = resolve; });
  return release;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i += 1) await delay(2);
  expect(condition()).toBe(true);
}

describe("the page's own refresh call", () => {
  it('is taken by the broker when it has the refresh method; another method to that URL is not', () => {
    const { broker } = setup();
    expect(broker.matches(new Request(`${ORIGIN}/token/refresh`, { method: 'POST' }))).toBe(true);
    expect(broker.matches(new Request(`${ORIGIN}/token/refresh`))).toBe(false);
    expect(broker.matches(new Request(`${ORIGIN}/token/refresh`, { method: 'POST', keepalive: true }))).toBe(false);
  });

  it("joins the broker's refresh in flight: the server sees one refresh, the page gets a 200 made by the broker", async () => {
    const { backend, pageRefreshCall, get } = setup();
    backend.expireAccessTokens();
    const release = holdRefreshes(backend);
    const requests = [get('tab-a', 1), get('tab-a', 2), get('tab-b', 3)];
    await until(() => backend.counts.refreshRequests === 1);
    const pageCall = pageRefreshCall('tab-c');
    await delay(10);
    release();

    const answer = await pageCall;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('Token-Broker')).toBe('joined-refresh');
    expect(await answer.json()).toEqual({ refreshed: true });
    expect((await Promise.all(requests)).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(backend.counts.refreshRequests).toBe(1);
    expect(backend.refreshes.map((r) => r.marker)).toEqual([null]);
    expect(backend.counts.reuseDetected).toBe(0);
  });

  it('after a 401 the broker handed over (a body over the replay bound), is answered from the refresh made since, even past the cooldown', async () => {
    const { backend, pageRefreshCall, get, upload } = setup({ cooldownMs: 5 });
    backend.expireAccessTokens();
    const release = holdRefreshes(backend);
    // The upload is sent once, with the dead credentials, while the small request starts the refresh.
    const uploaded = upload('tab-a');
    const small = get('tab-a');
    await until(() => backend.counts.refreshRequests === 1);
    release();
    expect((await uploaded).status).toBe(401);
    expect((await small).status).toBe(200);

    // The interceptor reacts to the upload's 401 later than the cooldown: still no second refresh.
    await delay(20);
    const answer = await pageRefreshCall('tab-a');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('Token-Broker')).toBe('joined-refresh');
    expect((await upload('tab-a')).status).toBe(200);
    expect(backend.counts.refreshRequests).toBe(1);
  });

  it("with no refresh in flight or recent, is itself the one refresh: the server gets the page's request, the page gets the server's answer, and the broker's 401s join it", async () => {
    const { backend, pageRefreshCall, get, bus } = setup();
    backend.expireAccessTokens();
    const release = holdRefreshes(backend);
    const pageCall = pageRefreshCall('tab-a');
    await until(() => backend.counts.refreshRequests === 1);
    const requests = [get('tab-a', 1), get('tab-b', 2), get('tab-b', 3)];
    await delay(10);
    release();

    const answer = await pageCall;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('X-Answered-By')).toBe('backend');
    expect(answer.headers.get('Token-Broker')).toBeNull();
    expect(await answer.json()).toEqual({ refresh: true });
    expect((await Promise.all(requests)).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(backend.counts.refreshRequests).toBe(1);
    expect(backend.refreshes.map((r) => r.marker)).toEqual(['tab-a']);
    // Every tab hears of it, as of any refresh the broker makes.
    expect(bus.posted).toEqual([{ type: 'refreshed', generation: 1 }]);
  });

  it('joining a refresh the server refused gets a 401 made by the broker, and spends nothing more', async () => {
    const { backend, pageRefreshCall, get } = setup();
    backend.expireAccessTokens();
    backend.refuseRefreshes = true;
    const release = holdRefreshes(backend);
    const request = get('tab-a');
    await until(() => backend.counts.refreshRequests === 1);
    const pageCall = pageRefreshCall('tab-b');
    release();
    expect((await request).status).toBe(401);
    const answer = await pageCall;
    expect(answer.status).toBe(401);
    expect(answer.headers.get('Token-Broker')).toBe('session-expired');
    expect(backend.counts.refreshRequests).toBe(1);
  });
});

describe("the page's own refresh call after a failed refresh", () => {
  it('is sent as the one refresh, not answered with the failure: the session goes on', async () => {
    const { backend, pageRefreshCall, get } = setup();
    backend.expireAccessTokens();
    // The broker's refresh fails (its CSRF cookie reads a stale value); the page's call carries the right one.
    const right = backend.jar.get('csrf_refresh_token')!;
    backend.jar.set('csrf_refresh_token', 'stale');
    backend.refuseWrongCsrfWith = 'failure';
    expect((await get('tab-a')).status).toBe(401);
    expect(backend.counts.refreshRequests).toBe(1);
    backend.jar.set('csrf_refresh_token', right);

    const answers = await Promise.all([pageRefreshCall('tab-a'), pageRefreshCall('tab-a')]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(backend.counts.refreshRequests).toBe(2);
    expect(backend.counts.refreshSucceeded).toBe(1);
    expect((await get('tab-a')).status).toBe(200);
  });
});
