/// <reference lib="webworker" />
// The standalone worker's start, exported: token-broker-sw.js is `startTokenBroker()`. It wires
// the worker's events to the one BrokerLife; the defaults for what `env` leaves out are the
// ones createTokenBroker gives a worker of the app's own (broker-environment.ts).

import { Router } from 'workbox-routing';
import { BrokerLife } from './broker-life.ts';
import { withDefaults, type BrokerEnvironment, type BrokerScope } from './broker-environment.ts';
import { IdbGenerationStore, openBrokerDatabase } from './generation-store.ts';
import { createTokenBroker, installTokenBroker } from './install-token-broker.ts';
import { CLAIM_MESSAGE } from './page-protocol.ts';
import { PrefetchedGenerationStore } from './prefetched-generation.ts';
import { addBrokerRoutes, type RoutableInstallEvent } from './static-routes.ts';

declare const self: ServiceWorkerGlobalScope & BrokerScope;

/** Starts the broker in this worker with its config from `?config=` of the worker's URL. Call it once, at the top level. */
export function startTokenBroker(env: Partial<BrokerEnvironment> = {}): void {
  const database = openBrokerDatabase();
  // The generation's read starts now, beside the saved config's (prefetched-generation.ts).
  const resolved = withDefaults({ ...env, store: env.store ?? new PrefetchedGenerationStore(new IdbGenerationStore(database)) }, self);
  const life = new BrokerLife<FetchEvent>({
    workerUrl: self.location.href,
    database,
    fetch: env.fetch,
    build: (config) => {
      const router = new Router();
      installTokenBroker(router, createTokenBroker(config, resolved));
      return (event) => router.handleRequest({ request: event.request, event });
    },
  });

  self.addEventListener('install', (event) => {
    // A rejected install discards this worker: the page goes on exactly as without it.
    // Routes come from the config read now, so they are added within this same waitUntil.
    event.waitUntil(life.install().then((config) => addBrokerRoutes(event as RoutableInstallEvent, config)).then(() => self.skipWaiting()));
  });

  self.addEventListener('activate', (event) => {
    event.waitUntil(self.clients.claim());
  });

  self.addEventListener('message', (event) => {
    const data = event.data as { type?: unknown } | null;
    if (data?.type === CLAIM_MESSAGE) event.waitUntil(self.clients.claim());
  });

  self.addEventListener('fetch', (event) => life.handleFetch(event));
}
