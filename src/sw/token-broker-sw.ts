/// <reference lib="webworker" />
// The standalone worker, dist/token-broker-sw.js: loads the config, installs the broker into a
// Workbox router and wires the worker's events. Everything with a decision in it lives elsewhere.

import { Router } from 'workbox-routing';
import type { TokenBrokerConfig } from './config.ts';
import { configUrlOf, fetchConfig, loadSavedConfig, saveConfig } from './config-source.ts';
import type { CookieReader } from './cookie-credentials.ts';
import { CookieReaderWithFallback, PageCookieReader } from './page-cookie-reader.ts';
import { CLAIM_MESSAGE } from './page-protocol.ts';
import { IdbGenerationStore, openBrokerDatabase } from './generation-store.ts';
import { createTokenBroker, installTokenBroker, type BrokerEnvironment } from './install-token-broker.ts';

declare const self: ServiceWorkerGlobalScope & { cookieStore?: CookieReader & { getAll(): Promise<unknown[]> } };

const database = openBrokerDatabase();
const environment: BrokerEnvironment = {
  store: new IdbGenerationStore(database),
  cookies: cookieReader(),
  locks: self.navigator.locks,
};
const workerOrigin = self.location.origin;

function cookieReader(): CookieReader {
  const fromPages = new PageCookieReader({ windows: () => self.clients.matchAll({ type: 'window' }) });
  return self.cookieStore ? new CookieReaderWithFallback(self.cookieStore, fromPages) : fromPages;
}

let router: Router | undefined;
// A restarted worker reads its config from IndexedDB; until then, fetch events wait for it.
let routerReady: Promise<Router | undefined> = startFromSavedConfig();

async function startFromSavedConfig(): Promise<Router | undefined> {
  try {
    const configUrl = configUrlOf(self.location.href);
    const config = await loadSavedConfig(database, configUrl, workerOrigin) ??
      (await fetchConfig(configUrl, workerOrigin)).config;
    return start(config);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return undefined;
  }
}

function start(config: TokenBrokerConfig): Router {
  const broker = createTokenBroker(config, environment);
  const ready = new Router();
  installTokenBroker(ready, broker);
  router = ready;
  return ready;
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    try {
      const configUrl = configUrlOf(self.location.href);
      const { raw, config } = await fetchConfig(configUrl, workerOrigin);
      routerReady = Promise.resolve(start(config));
      await saveConfig(database, configUrl, raw);
    } catch (error) {
      // A rejected install discards this worker: the page goes on exactly as without it.
      console.error(error instanceof Error ? error.message : error);
      throw error;
    }
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', (event) => {
  const data = event.data as { type?: unknown } | null;
  if (data?.type === CLAIM_MESSAGE) event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (router) {
    const response = router.handleRequest({ request, event });
    if (response) event.respondWith(response);
    return;
  }
  // Not started yet (the first event after the browser woke the worker). Navigations and
  // cross-mode requests are never brokered: leave them to the browser now. For the rest, wait
  // for the config; what turns out not to be brokered goes to the network as it came.
  if (request.mode === 'navigate' || request.mode === 'no-cors') return;
  event.respondWith(routerReady.then((ready) => ready?.handleRequest({ request, event }) ?? fetch(request)));
});
