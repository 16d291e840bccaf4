import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryGenerationStore } from '../../../src/sw/generation-store.ts';
import { READ_COOKIES_MESSAGE } from '../../../src/sw/page-protocol.ts';
import { createTokenBrokerHandler, installTokenBroker, type BrokerFetchEvent } from '../../../src/sw/token-broker-worker.ts';

const ORIGIN = 'https://app.example';
const CONFIG = { preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } } as const;

/** A worker's global scope without the Cookie Store API (Safari, some Firefox workers), with one tab whose register script answers cookie questions. */
function workerScopeWithoutCookieStore(jar: Record<string, string>) {
  const questions: unknown[] = [];
  const tab = {
    postMessage(message: unknown, transfer: Transferable[]) {
      questions.push(message);
      const names = (message as { names: string[] }).names;
      (transfer[0] as MessagePort).postMessage({ values: Object.fromEntries(names.map((name) => [name, jar[name] ?? null])) });
    },
  };
  const listeners: { listener: (event: unknown) => void }[] = [];
  const scope = {
    location: { origin: ORIGIN },
    clients: { matchAll: async () => [tab] },
    navigator: {},
    addEventListener: (type: string, listener: (event: unknown) => void) => {
      if (type === 'fetch') listeners.push({ listener });
    },
  };
  return { questions, scope, listeners };
}

/** A fetch event as the worker gets it, recording what the listeners did with it. */
function fetchEvent(request: Request, clientId = 'tab-1') {
  const record = { responded: undefined as Promise<Response> | undefined, stopped: false };
  const event = {
    request,
    clientId,
    respondWith: (response: Promise<Response>) => { record.responded = response; },
    waitUntil: () => undefined,
    stopImmediatePropagation: () => { record.stopped = true; },
  };
  return { event: event as BrokerFetchEvent, record };
}

function recordingFetch(sent: Request[]): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    sent.push(input as Request);
    return new Response('ok');
  }) as typeof fetch;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('token-broker/worker: the broker inside a worker of the app\'s own', () => {
  it('stamps from the tabs where the worker has no Cookie Store API, as the standalone worker does', async () => {
    const { questions, scope } = workerScopeWithoutCookieStore({ csrf_access_token: 'from-the-tab' });
    vi.stubGlobal('self', scope);
    const sent: Request[] = [];
    const handler = createTokenBrokerHandler(CONFIG, { store: new MemoryGenerationStore(), announce: () => undefined, fetch: recordingFetch(sent) });
    const { event, record } = fetchEvent(new Request(`${ORIGIN}/api/echo`, { method: 'POST', body: '{}' }));

    expect(handler.handleFetch(event)).toBe(true);
    expect((await record.responded)?.status).toBe(200);
    expect(sent.map((request) => request.headers.get('X-CSRF-TOKEN'))).toEqual(['from-the-tab']);
    expect(questions).toContainEqual({ type: READ_COOKIES_MESSAGE, names: ['csrf_access_token'] });
  });

  it('handleFetch returns false and leaves the event alone for a request that is not the broker\'s', () => {
    const { scope } = workerScopeWithoutCookieStore({});
    vi.stubGlobal('self', scope);
    const handler = createTokenBrokerHandler(CONFIG, { store: new MemoryGenerationStore(), announce: () => undefined, fetch: recordingFetch([]) });
    for (const url of [`${ORIGIN}/index.html`, `${ORIGIN}/assets/app.js`, 'https://other.example/api/items']) {
      const { event, record } = fetchEvent(new Request(url));
      expect(handler.handleFetch(event)).toBe(false);
      expect(record.responded).toBeUndefined();
    }
  });

  it('installTokenBroker adds one fetch listener that stops the event it answers, so no listener of the app\'s added after it answers it too', async () => {
    const { scope, listeners } = workerScopeWithoutCookieStore({ csrf_access_token: 'c' });
    vi.stubGlobal('self', scope);
    installTokenBroker(CONFIG, { store: new MemoryGenerationStore(), announce: () => undefined, fetch: recordingFetch([]) });
    expect(listeners).toHaveLength(1);

    const api = fetchEvent(new Request(`${ORIGIN}/api/items`));
    listeners[0]?.listener(api.event);
    expect(api.record.stopped).toBe(true);
    expect((await api.record.responded)?.status).toBe(200);

    const page = fetchEvent(new Request(`${ORIGIN}/about`));
    listeners[0]?.listener(page.event);
    expect(page.record.stopped).toBe(false);
    expect(page.record.responded).toBeUndefined();
  });

  it('refuses a bad config with the worker\'s own message, naming the key', () => {
    const { scope, listeners } = workerScopeWithoutCookieStore({});
    vi.stubGlobal('self', scope);
    const bad = { api: '/api/', refresh: { url: '/token/refresh' } } as unknown as typeof CONFIG;
    expect(() => installTokenBroker(bad, { store: new MemoryGenerationStore() })).toThrow('"api" must be a non-empty array');
    expect(listeners).toHaveLength(0);
  });
});

describe('route order against a Workbox router of the app\'s own', () => {
  /** A worker's global scope whose fetch listeners run in the order they were added, as Chromium's do. */
  function workerScope() {
    const target = new EventTarget();
    return Object.assign(target, { location: { origin: ORIGIN }, clients: { matchAll: async () => [] }, navigator: {} });
  }

  class FakeFetchEvent extends Event {
    readonly request: Request;
    readonly clientId = 'tab-1';
    readonly answers: Promise<Response>[] = [];
    constructor(request: Request) {
      super('fetch');
      this.request = request;
    }
    respondWith(response: Promise<Response>): void {
      if (this.answers.length > 0) throw new DOMException('respondWith was already called', 'InvalidStateError');
      this.answers.push(response);
    }
    waitUntil(): void {}
  }

  /** The app's catch-all route (what a NetworkFirst route over every URL does), on a router listening on `scope`. */
  async function catchAllRouter() {
    const { Router, Route } = await import('workbox-routing');
    const router = new Router();
    let answered = 0;
    for (const method of ['GET', 'POST'] as const) {
      router.registerRoute(new Route(() => true, async () => {
        answered += 1;
        return new Response('from the app\'s catch-all');
      }, method));
    }
    router.addFetchListener();
    return { answered: () => answered };
  }

  async function dispatch(scope: EventTarget, url: string): Promise<{ text: string; answers: number }> {
    const event = new FakeFetchEvent(new Request(url));
    scope.dispatchEvent(event);
    return { text: await (await event.answers[0]!).text(), answers: event.answers.length };
  }

  it('installed before the app\'s routes, the broker answers the API\'s requests and the catch-all the rest', async () => {
    const scope = workerScope();
    vi.stubGlobal('self', scope);
    vi.stubGlobal('location', scope.location);
    // Workbox's development logger reads navigator.userAgent; Node 20 has no navigator.
    vi.stubGlobal('navigator', { userAgent: 'node' });
    const brokered: string[] = [];
    installTokenBroker(CONFIG, {
      store: new MemoryGenerationStore(), cookies: { get: async () => ({ value: 'c' }) }, announce: () => undefined,
      fetch: (async (input: RequestInfo | URL) => {
        brokered.push(new URL((input as Request).url).pathname);
        return new Response('from the API');
      }) as typeof fetch,
    });
    const app = await catchAllRouter();

    expect(await dispatch(scope, `${ORIGIN}/api/items`)).toEqual({ text: 'from the API', answers: 1 });
    expect(await dispatch(scope, `${ORIGIN}/index.html`)).toEqual({ text: 'from the app\'s catch-all', answers: 1 });
    expect(brokered).toEqual(['/api/items']);
    expect(app.answered()).toBe(1);
  });

  it('installed after a catch-all route, the broker never answers the API\'s requests and never sends a second copy of them: the order the README asks for is needed', async () => {
    const scope = workerScope();
    vi.stubGlobal('self', scope);
    vi.stubGlobal('location', scope.location);
    // Workbox's development logger reads navigator.userAgent; Node 20 has no navigator.
    vi.stubGlobal('navigator', { userAgent: 'node' });
    const app = await catchAllRouter();
    const brokered: string[] = [];
    installTokenBroker(CONFIG, {
      store: new MemoryGenerationStore(), cookies: { get: async () => ({ value: 'c' }) }, announce: () => undefined,
      fetch: (async (input: RequestInfo | URL) => {
        brokered.push((input as Request).url);
        return new Response('from the API');
      }) as typeof fetch,
    });
    // The catch-all answered first; the broker's respondWith then threw (InvalidStateError) inside its listener.
    const event = new FakeFetchEvent(new Request(`${ORIGIN}/api/items`));
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onError);
    try {
      scope.dispatchEvent(event);
      await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(await (await event.answers[0]!).text()).toBe('from the app\'s catch-all');
    expect(app.answered()).toBe(1);
    expect(brokered).toEqual([]);
  });
});
