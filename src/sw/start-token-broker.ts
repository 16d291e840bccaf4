/// <reference lib="webworker" />
// The standalone worker's start, exported: token-broker-sw.js is `startTokenBroker()`. It wires
// the worker's events to the one BrokerLife; the defaults for what `env` leaves out are the
// ones createTokenBroker gives a worker of the app's own (broker-environment.ts).

import { Router } from 'workbox-routing';
import { BrokerLife } from './broker-life.ts';
import { BUILT_IN_CONFIG_GLOBAL } from './built-in-config.ts';
import { withDefaults, type BrokerEnvironment, type BrokerScope } from './broker-environment.ts';
import { brokerNames, namespaceOfScope } from './broker-names.ts';
import { IdbGenerationStore, openBrokerDatabase } from './generation-store.ts';
import { createTokenBroker, installTokenBroker } from './install-token-broker.ts';
import { CLAIM_MESSAGE } from './page-protocol.ts';

declare const self: ServiceWorkerGlobalScope & BrokerScope & { [BUILT_IN_CONFIG_GLOBAL]?: unknown };

/**
 * Starts the broker in this worker with the config built into it, else the one at `?config=` of
 * the worker's URL. Call it once, at the top level.
 */
export function startTokenBroker(env: Partial<BrokerEnvironment> = {}): void {
  // The saved config is read before the config is known: it lives in the scope's database.
  const scopeNames = brokerNames(namespaceOfScope(self.registration.scope));
  const database = openBrokerDatabase(scopeNames.database);
  const life = new BrokerLife<FetchEvent>({
    workerUrl: self.location.href,
    builtInConfig: self[BUILT_IN_CONFIG_GLOBAL],
    database,
    fetch: env.fetch,
    build: (config) => {
      const names = config.namespace === undefined ? scopeNames : brokerNames(config.namespace);
      // One bounded handle per database, so that a hung database is waited for once.
      const store = env.store ?? new IdbGenerationStore(names.database === scopeNames.database ? database : openBrokerDatabase(names.database));
      const router = new Router();
      installTokenBroker(router, createTokenBroker(config, withDefaults({ ...env, store, names }, self)));
      return (event) => router.handleRequest({ request: event.request, event });
    },
  });

  self.addEventListener('install', (event) => {
    // A rejected install discards this worker: the page goes on exactly as without it.
    event.waitUntil(life.install().then(() => self.skipWaiting()));
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
