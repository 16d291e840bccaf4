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
  const listeners: { listener: (event: unknown) => void; capture: boolean }[] = [];
  const scope = {
    location: { origin: ORIGIN },
    clients: { matchAll: async () => [tab] },
    navigator: {},
    addEventListener: (type: string, listener: (event: unknown) => void, options?: { capture?: boolean }) => {
      if (type === 'fetch') listeners.push({ listener, capture: options?.capture === true });
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

  it('installTokenBroker listens in the capture phase and stops the event it answers, so no route of the app\'s own answers it too', async () => {
    const { scope, listeners } = workerScopeWithoutCookieStore({ csrf_access_token: 'c' });
    vi.stubGlobal('self', scope);
    installTokenBroker(CONFIG, { store: new MemoryGenerationStore(), announce: () => undefined, fetch: recordingFetch([]) });
    expect(listeners).toHaveLength(1);
    expect(listeners[0]?.capture).toBe(true);

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
