// Bearer mode's generic JSON variant against a hand-made backend with its own field names:
// POST /auth/login and POST /auth/refresh { renewWith } answering { token, renew, ttl }.

import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sw/config.ts';
import { MemoryGenerationStore } from '../../../src/sw/generation-store.ts';

(globalThis as { self?: unknown }).self ??= globalThis;
const { createTokenBroker } = await import('../../../src/sw/install-token-broker.ts');

const ORIGIN = 'https://app.example';
const PLACEHOLDER = /^tb\.placeholder\./;

class HandMadeBackend {
  readonly refreshBodies: unknown[] = [];
  readonly logoutBodies: unknown[] = [];
  readonly apiAuthorization: (string | null)[] = [];
  #serial = 0;
  #access = '';
  #refresh = '';

  expire(): void {
    this.#access = '';
  }

  readonly fetch = (async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    if (path === '/auth/login') return this.#issue();
    if (path === '/auth/refresh') {
      const body = await request.json() as Record<string, unknown>;
      this.refreshBodies.push(body);
      return body.renewWith === this.#refresh ? this.#issue() : Response.json({ msg: 'bad refresh token' }, { status: 401 });
    }
    if (path === '/auth/logout') {
      this.logoutBodies.push(await request.json());
      return new Response(null, { status: 204 });
    }
    this.apiAuthorization.push(request.headers.get('authorization'));
    return request.headers.get('authorization') === `Bearer ${this.#access}` ? Response.json({ ok: true }) : new Response('', { status: 401 });
  }) as typeof fetch;

  #issue(): Response {
    this.#serial += 1;
    this.#access = `access-${this.#serial}`;
    this.#refresh = `renew-${this.#serial}`;
    return Response.json({ token: this.#access, renew: this.#refresh, ttl: 600, user: 'ada' });
  }
}

function setup() {
  const backend = new HandMadeBackend();
  const store = new MemoryGenerationStore();
  const config = resolveConfig({
    api: ['/api/'],
    json: {
      refreshUrl: '/auth/refresh', loginUrls: ['/auth/login'], logoutUrl: '/auth/logout',
      requestField: 'renewWith', accessTokenField: 'token', refreshTokenField: 'renew', expiresInField: 'ttl',
    },
    cooldownMs: 1,
  }, ORIGIN);
  const broker = createTokenBroker(config, { store, announce: () => undefined, fetch: backend.fetch, cookies: { get: async () => null } });
  return { backend, broker, store };
}

const post = (path: string, body: unknown) =>
  new Request(`${ORIGIN}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('bearer mode, generic JSON variant', () => {
  it('captures the login answer, hides its tokens, stamps the API, and refreshes with the configured field names', async () => {
    const { backend, broker, store } = setup();
    const login = (await (await broker.handle(post('/auth/login', { user: 'ada', password: 'pw' }))).json()) as Record<string, unknown>;
    expect(login.token).toMatch(PLACEHOLDER);
    expect(login.renew).toMatch(PLACEHOLDER);
    expect(login).toMatchObject({ ttl: 600, user: 'ada' });
    await new Promise((resolve) => setTimeout(resolve, 5)); // past cooldownMs (1 ms) on the worker's clock
    expect((await broker.handle(new Request(`${ORIGIN}/api/me`))).status).toBe(200);
    backend.expire();
    expect((await broker.handle(new Request(`${ORIGIN}/api/me`))).status).toBe(200);
    expect(backend.refreshBodies).toEqual([{ renewWith: 'renew-1' }]);
    expect(backend.apiAuthorization).toEqual(['Bearer access-1', 'Bearer access-1', 'Bearer access-2']);
    expect((await store.read()).secret).toMatchObject({ accessToken: 'access-2', refreshToken: 'renew-2' });
  });

  it('answers the page\'s own refresh call from the vault, and its logout gets the real refresh token and clears the vault', async () => {
    const { backend, broker, store } = setup();
    const login = (await (await broker.handle(post('/auth/login', {}))).json()) as Record<string, unknown>;
    const renewal = (await (await broker.handle(post('/auth/refresh', { renewWith: login.renew }))).json()) as Record<string, unknown>;
    expect(backend.refreshBodies).toEqual([]);
    expect(renewal).toMatchObject({ token: login.token, renew: login.renew });
    await broker.handle(post('/auth/logout', { renewWith: login.renew }));
    expect(backend.logoutBodies).toEqual([{ renewWith: 'renew-1' }]);
    expect((await store.read()).secret).toBeUndefined();
    const afterLogout = await broker.handle(post('/auth/refresh', { renewWith: login.renew }));
    expect(afterLogout.status).toBe(401);
    expect(backend.refreshBodies).toEqual([]);
  });
});
