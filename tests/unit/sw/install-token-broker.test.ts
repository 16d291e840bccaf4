import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../../src/sw/config.ts';
import type { CookieReader } from '../../../src/sw/cookie-credentials.ts';
import { MemoryGenerationStore } from '../../../src/sw/generation-store.ts';
import { READ_COOKIES_MESSAGE } from '../../../src/sw/page-protocol.ts';

// workbox-routing, which install-token-broker.ts imports, reads the worker's `self` when loaded.
(globalThis as { self?: unknown }).self ??= globalThis;
const { createTokenBroker, installTokenBroker } = await import('../../../src/sw/install-token-broker.ts');
type Router = Parameters<typeof installTokenBroker>[0];
type Route = Parameters<Router['registerRoute']>[0];

const ORIGIN = 'https://app.example';

describe('createTokenBroker', () => {
  it('stamps from the cookie, and requests that arrive together share cookie reads', async () => {
    let reads = 0;
    const cookies: CookieReader = {
      get: async (name) => {
        reads += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return name === 'csrf_access_token' ? { value: 'csrf-1' } : null;
      },
    };
    const stamped: (string | null)[] = [];
    const broker = createTokenBroker(
      resolveConfig({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } }, ORIGIN),
      {
        store: new MemoryGenerationStore(),
        cookies,
        announce: () => undefined,
        fetch: (async (input: RequestInfo | URL) => {
          stamped.push((input as Request).headers.get('X-CSRF-TOKEN'));
          return new Response('ok');
        }) as typeof fetch,
      },
    );
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => broker.handle(new Request(`${ORIGIN}/api/items/${i}`))));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(stamped).toEqual(Array.from({ length: 10 }, () => 'csrf-1'));
    // One read for the first request, one shared by the nine that asked while it was in flight.
    expect(reads).toBe(2);
  });

  it('reads the cookies for the tab whose request it stamps: the fetch event\'s clientId reaches the cookie reader', async () => {
    const askedFor: (string | undefined)[] = [];
    const cookies: CookieReader = {
      get: async (_name, context) => {
        askedFor.push(context?.clientId);
        return { value: 'csrf-1' };
      },
    };
    const broker = createTokenBroker(
      resolveConfig({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } }, ORIGIN),
      { store: new MemoryGenerationStore(), cookies, announce: () => undefined, fetch: (async () => new Response('ok')) as typeof fetch },
    );
    // The routes as the worker's Router would hold them; the POST route takes this request.
    const routes: Route[] = [];
    installTokenBroker({ registerRoute: (route: Route) => routes.push(route) } as unknown as Router, broker);
    const request = new Request(`${ORIGIN}/api/items`, { method: 'POST', body: '{}' });
    const route = routes.find((candidate) => candidate.method === 'POST');
    const event = { request, clientId: 'tab-3' } as unknown as Parameters<Route['handler']['handle']>[0]['event'];
    const response = await route?.handler.handle({ request, event, url: new URL(request.url) });
    expect(response?.status).toBe(200);
    expect(askedFor).toEqual(['tab-3']);
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  /** A worker's global scope without the Cookie Store API (Safari, older Firefox) and one tab whose register script answers. */
  function workerWithoutCookieStore(jar: Record<string, string>) {
    const questions: unknown[] = [];
    const tab = {
      postMessage(message: unknown, transfer: Transferable[]) {
        questions.push(message);
        const names = (message as { names: string[] }).names;
        (transfer[0] as MessagePort).postMessage({ values: Object.fromEntries(names.map((name) => [name, jar[name] ?? null])) });
      },
    };
    return { questions, scope: { clients: { matchAll: async () => [tab] }, navigator: {}, location: { origin: ORIGIN } } };
  }

  it('reads cookies through the tabs by default where the worker has no cookieStore, as the standalone worker does', async () => {
    const { questions, scope } = workerWithoutCookieStore({ csrf_access_token: 'from-the-tab' });
    vi.stubGlobal('self', scope);
    const sent: Request[] = [];
    const config = resolveConfig({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } }, ORIGIN);
    const options = {
      store: new MemoryGenerationStore(),
      announce: () => undefined,
      fetch: (async (input: RequestInfo | URL) => {
        sent.push(input as Request);
        return new Response('ok');
      }) as typeof fetch,
    };
    // The README's example passed `self.cookieStore`, which is undefined here: it must mean "the default".
    for (const broker of [createTokenBroker(config, options), createTokenBroker(config, { ...options, cookies: (scope as { cookieStore?: CookieReader }).cookieStore })]) {
      const response = await broker.handle(new Request(`${ORIGIN}/api/echo`, { method: 'POST', body: '{}' }));
      expect(response.status).toBe(200);
    }
    expect(sent.map((request) => request.headers.get('X-CSRF-TOKEN'))).toEqual(['from-the-tab', 'from-the-tab']);
    expect(questions).toContainEqual({ type: READ_COOKIES_MESSAGE, names: ['csrf_access_token'] });
  });
});
