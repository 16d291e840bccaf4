import type { UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { BrokerLife, type FetchEventLike } from '../../../src/sw/broker-life.ts';
import type { TokenBrokerConfig } from '../../../src/sw/config.ts';
import { isBrokered } from '../../../src/sw/request-matcher.ts';

const ORIGIN = 'https://app.example';
const CONFIG_URL = `${ORIGIN}/token-broker.json`;
const WORKER_URL = `${ORIGIN}/token-broker-sw.js?config=/token-broker.json`;
const CONFIG = { preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } };

/** An idb-keyval store over a Map, answering asynchronously as IndexedDB does; counts its calls. */
function memoryDatabase(saved: Record<string, unknown> = {}) {
  const values = new Map(Object.entries(saved));
  const database = { values, calls: 0, store: undefined as unknown as UseStore };
  database.store = (_mode, callback) => {
    database.calls += 1;
    const transaction: { oncomplete?: () => void } = {};
    const objectStore = {
      transaction,
      get(key: string) {
        const request: { result: unknown; onsuccess?: () => void } = { result: values.get(key) };
        setTimeout(() => request.onsuccess?.());
        return request;
      },
      put(value: unknown, key: string) {
        values.set(key, value);
        setTimeout(() => transaction.oncomplete?.());
      },
    };
    return Promise.resolve(callback(objectStore as unknown as IDBObjectStore));
  };
  return database;
}

const hangingDatabase: UseStore = () => new Promise(() => undefined);
const failingDatabase: UseStore = () => Promise.reject(new DOMException('No objectStore named state', 'NotFoundError'));

/** A network that serves the config (null: a 404) and answers everything else itself; counts config fetches. */
function network(config: unknown = CONFIG) {
  const net = { configFetches: 0, otherFetches: 0, fetch: undefined as unknown as typeof fetch };
  net.fetch = (async (input: RequestInfo | URL) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url === CONFIG_URL) {
      net.configFetches += 1;
      return config === null ? new Response('missing', { status: 404 }) : Response.json(config);
    }
    net.otherFetches += 1;
    return new Response('from the network');
  }) as typeof fetch;
  return net;
}

function setup(database: UseStore, net = network()) {
  const builds: TokenBrokerConfig[] = [];
  const life = new BrokerLife<FetchEventLike & { answers: Promise<Response>[] }>({
    workerUrl: WORKER_URL,
    database,
    fetch: net.fetch,
    build: (config) => {
      builds.push(config);
      return (event) => (isBrokered(event.request, config) ? Promise.resolve(new Response('from the broker')) : undefined);
    },
  });
  return { life, builds, net };
}

function fetchEvent(request: Request) {
  const answers: Promise<Response>[] = [];
  return { request, answers, respondWith: (answer: Promise<Response>) => void answers.push(answer) };
}

/** A request the page made as something other than fetch/XHR (a module script, a font). */
function withDestination(request: Request, destination: RequestDestination): Request {
  Object.defineProperty(request, 'destination', { value: destination });
  return request;
}

/** Generous bound on "it answers": above the storage timeout (1 s), below the test's own. */
function within<T>(promise: Promise<T>, limitMs = 4_000): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${limitMs} ms`)), limitMs))]);
}

async function texts(answers: readonly Promise<Response>[]): Promise<string[]> {
  return Promise.all(answers.map(async (answer) => (await within(answer)).text()));
}

describe('BrokerLife', () => {
  it('fetches the config once per install, builds one broker, saves the config, and answers with that broker', async () => {
    const database = memoryDatabase();
    const { life, builds, net } = setup(database.store);
    await life.install();
    const events = [fetchEvent(new Request(`${ORIGIN}/api/items`)), fetchEvent(new Request(`${ORIGIN}/api/items`, { method: 'POST', body: '{}' }))];
    for (const event of events) life.handleFetch(event);

    expect(await texts(events.flatMap((event) => event.answers))).toEqual(['from the broker', 'from the broker']);
    expect(net.configFetches).toBe(1);
    expect(builds).toHaveLength(1);
    expect(database.values.get(`config:${CONFIG_URL}`)).toEqual(CONFIG);
  });

  it('at wake, every request that arrives while the saved config loads waits for the one start it triggered', async () => {
    const database = memoryDatabase({ [`config:${CONFIG_URL}`]: CONFIG });
    const { life, builds, net } = setup(database.store);
    const events = Array.from({ length: 5 }, (_, i) => fetchEvent(new Request(`${ORIGIN}/api/items/${i}`)));
    for (const event of events) life.handleFetch(event);

    expect(await texts(events.flatMap((event) => event.answers))).toEqual(Array.from({ length: 5 }, () => 'from the broker'));
    expect(builds).toHaveLength(1);
    expect(database.calls).toBe(1);
    expect(net.configFetches).toBe(0);
  });

  it('at wake, an IndexedDB that hangs or fails costs a bounded wait: the broker starts from the network config', async () => {
    for (const database of [hangingDatabase, failingDatabase]) {
      const { life, builds, net } = setup(database);
      const api = fetchEvent(new Request(`${ORIGIN}/api/items`));
      const elsewhere = fetchEvent(new Request(`${ORIGIN}/public/data`));
      life.handleFetch(api);
      life.handleFetch(elsewhere);

      expect(await texts([...api.answers, ...elsewhere.answers])).toEqual(['from the broker', 'from the network']);
      expect(net.configFetches).toBe(1);
      expect(builds).toHaveLength(1);
    }
  });

  it('at wake without a saved copy, fetches the config once for every waiting request, and saves it once', async () => {
    const database = memoryDatabase();
    const { life, builds, net } = setup(database.store);
    const events = Array.from({ length: 4 }, (_, i) => fetchEvent(new Request(`${ORIGIN}/api/items/${i}`)));
    for (const event of events) life.handleFetch(event);

    expect(await texts(events.flatMap((event) => event.answers))).toEqual(Array.from({ length: 4 }, () => 'from the broker'));
    expect(net.configFetches).toBe(1);
    expect(builds).toHaveLength(1);
    await expect.poll(() => database.values.get(`config:${CONFIG_URL}`)).toEqual(CONFIG);
    // One read of the missing copy, one write of the fetched one.
    expect(database.calls).toBe(2);
  });

  it('before the config is known, leaves to the browser what no config brokers: navigations, no-cors, scripts, keepalive', () => {
    const { life, builds } = setup(hangingDatabase);
    const events = [
      fetchEvent(withDestination(new Request(`${ORIGIN}/app.js`), 'script')),
      fetchEvent(withDestination(new Request(`${ORIGIN}/font.woff2`), 'font')),
      fetchEvent(new Request(`${ORIGIN}/img.png`, { mode: 'no-cors' })),
      fetchEvent(new Request(`${ORIGIN}/api/beacon`, { method: 'POST', body: 'x', keepalive: true })),
      fetchEvent(new Request(`${ORIGIN}/api/stream`, { headers: { accept: 'text/event-stream' } })),
    ];
    for (const event of events) life.handleFetch(event);
    expect(events.map((event) => event.answers.length)).toEqual([0, 0, 0, 0, 0]);
    expect(builds).toHaveLength(0);
  });

  it('at wake, a navigation starts the broker without waiting for it, so the config is read while the page loads', async () => {
    const database = memoryDatabase({ [`config:${CONFIG_URL}`]: CONFIG });
    const { life, builds } = setup(database.store);
    const navigation = fetchEvent(new Request(`${ORIGIN}/`));
    Object.defineProperty(navigation.request, 'mode', { value: 'navigate' });
    life.handleFetch(navigation);
    expect(navigation.answers).toHaveLength(0);
    await expect.poll(() => builds.length).toBe(1);

    const api = fetchEvent(new Request(`${ORIGIN}/api/items`));
    life.handleFetch(api);
    expect(await texts(api.answers)).toEqual(['from the broker']);
    expect(builds).toHaveLength(1);
    expect(database.calls).toBe(1);
  });

  it('without any config (nothing saved, none served): waiting requests go to the network, later ones are left alone', async () => {
    const { life, builds, net } = setup(memoryDatabase().store, network(null));
    const first = fetchEvent(new Request(`${ORIGIN}/api/items`));
    life.handleFetch(first);
    expect(await texts(first.answers)).toEqual(['from the network']);

    const later = fetchEvent(new Request(`${ORIGIN}/api/items`));
    life.handleFetch(later);
    expect(later.answers).toHaveLength(0);
    expect(builds).toHaveLength(0);
    expect(net.configFetches).toBe(1);
  });

  it('install: a storage that fails or hangs does not fail it; a config that is missing or invalid does', async () => {
    for (const database of [failingDatabase, hangingDatabase]) {
      const { life, builds } = setup(database);
      await within(life.install());
      expect(builds).toHaveLength(1);
    }
    await expect(setup(memoryDatabase().store, network(null)).life.install()).rejects.toThrow(/could not load the config/);
    await expect(setup(memoryDatabase().store, network({ api: 'not a list' })).life.install()).rejects.toThrow(/"api"/);
  });
});

describe('BrokerLife with a config built into the worker', () => {
  const BUILT_IN_WORKER_URL = `${ORIGIN}/token-broker-sw.js`;

  function builtInSetup(builtInConfig: unknown, database = memoryDatabase()) {
    const net = network();
    const builds: TokenBrokerConfig[] = [];
    const life = new BrokerLife<FetchEventLike & { answers: Promise<Response>[] }>({
      workerUrl: BUILT_IN_WORKER_URL,
      builtInConfig,
      database: database.store,
      fetch: net.fetch,
      build: (config) => {
        builds.push(config);
        return (event) => (isBrokered(event.request, config) ? Promise.resolve(new Response('from the broker')) : undefined);
      },
    });
    return { life, builds, net, database };
  }

  it('installs from it with no ?config=, fetches no config and saves none, and answers with that broker', async () => {
    const { life, builds, net, database } = builtInSetup(CONFIG);
    await life.install();
    const event = fetchEvent(new Request(`${ORIGIN}/api/items`));
    life.handleFetch(event);
    expect(await texts(event.answers)).toEqual(['from the broker']);
    expect(builds).toHaveLength(1);
    expect(net.configFetches).toBe(0);
    expect(database.calls).toBe(0);
  });

  it('at wake, starts from it without touching storage', async () => {
    const { life, builds, database } = builtInSetup(CONFIG);
    const event = fetchEvent(new Request(`${ORIGIN}/api/items`));
    life.handleFetch(event);
    expect(await texts(event.answers)).toEqual(['from the broker']);
    expect(builds).toHaveLength(1);
    expect(database.calls).toBe(0);
  });

  it('a bad built-in config rejects the install, naming the key', async () => {
    const { life, builds } = builtInSetup({ api: '/api/', refresh: { url: '/token/refresh' } });
    await expect(life.install()).rejects.toThrow('"api" must be a non-empty array');
    expect(builds).toHaveLength(0);
  });
});
