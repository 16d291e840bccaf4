/// <reference lib="webworker" />
// The standalone worker's start, exported: token-broker-sw.js is `startTokenBroker()`. It wires
// the worker's events to the one BrokerLife; the defaults for what `env` leaves out are the
// ones createTokenBroker gives a worker of the app's own (broker-environment.ts).

import { Router } from 'workbox-routing';
import { BrokerLife } from './broker-life.ts';
import { BUILT_IN_CONFIG_GLOBAL } from './built-in-config.ts';
import { withDefaults, type BrokerEnvironment, type BrokerScope } from './broker-environment.ts';
import { brokerNames, namespaceOfScope } from './broker-names.ts';
import { setsCookieOf, stampedCookieNames, subscribedToAll, subscribeToCookieChanges, touchesCookieOf, type CookieChangeSubscriptions } from './credential-changes.ts';
import { IdbGenerationStore, openBrokerDatabase } from './generation-store.ts';
import { createTokenBroker, installTokenBroker } from './install-token-broker.ts';
import { CLAIM_MESSAGE } from './page-protocol.ts';
import { PrefetchedGenerationStore } from './prefetched-generation.ts';
import { addBrokerRoutes, type RoutableInstallEvent } from './static-routes.ts';
import type { TokenBroker } from './token-broker.ts';

declare const self: ServiceWorkerGlobalScope & BrokerScope & { [BUILT_IN_CONFIG_GLOBAL]?: unknown } & {
  readonly registration: { readonly cookies?: CookieChangeSubscriptions };
};

/**
 * Starts the broker in this worker with the config built into it, else the one at `?config=` of
 * the worker's URL. Call it once, at the top level.
 */
export function startTokenBroker(env: Partial<BrokerEnvironment> = {}): void {
  // The saved config is read before the config is known: it lives in the scope's database.
  const scopeNames = brokerNames(namespaceOfScope(self.registration.scope));
  const database = openBrokerDatabase(scopeNames.database);
  // The generation's read starts now, beside the saved config's (prefetched-generation.ts).
  const scopeStore = env.store ?? new PrefetchedGenerationStore(new IdbGenerationStore(database));
  // The started broker and the cookies it stamps, for the cookie change events (a login).
  let started: { readonly broker: TokenBroker; readonly stampedCookies: readonly string[] } | undefined;
  const life = new BrokerLife<FetchEvent>({
    workerUrl: self.location.href,
    builtInConfig: self[BUILT_IN_CONFIG_GLOBAL],
    database,
    fetch: env.fetch,
    build: (config) => {
      const names = config.namespace === undefined ? scopeNames : brokerNames(config.namespace);
      // One bounded handle per database, so that a hung database is waited for once.
      const store = names.database === scopeNames.database
        ? scopeStore
        : env.store ?? new IdbGenerationStore(openBrokerDatabase(names.database));
      const router = new Router();
      const broker = createTokenBroker(config, withDefaults({ ...env, store, names }, self));
      installTokenBroker(router, broker);
      const stampedCookies = stampedCookieNames(config);
      started = { broker, stampedCookies };
      // A worker woken later finds the subscriptions an earlier one made at its activation: with
      // them it hears every change of the stamped cookies, and may keep their values (stamp-cache.ts).
      void subscribedToAll(self.registration.cookies, stampedCookies).then((hears) => {
        if (hears) broker.keepStampedValues();
      });
      return (event) => router.handleRequest({ request: event.request, event });
    },
  });

  self.addEventListener('install', (event) => {
    // A rejected install discards this worker: the page goes on exactly as without it.
    // Routes come from the config read now, so they are added within this same waitUntil.
    event.waitUntil(life.install().then((config) => addBrokerRoutes(event as RoutableInstallEvent, config)).then(() => self.skipWaiting()));
  });

  self.addEventListener('activate', (event) => {
    // Cookie change subscriptions need an active registration (Chromium refuses them at install);
    // they outlive the worker, so a worker woken later need not make them again. They tell the
    // lifetime learner when a login began, and let the stamped values be kept between requests.
    const subscribed = started && subscribeToCookieChanges(self.registration.cookies, self.registration.scope, started.stampedCookies)
      .then((hears) => {
        if (hears) started?.broker.keepStampedValues();
      });
    event.waitUntil(Promise.all([self.clients.claim(), subscribed]));
  });

  self.addEventListener('message', (event) => {
    const data = event.data as { type?: unknown } | null;
    if (data?.type === CLAIM_MESSAGE) event.waitUntil(self.clients.claim());
  });

  self.addEventListener('fetch', (event) => life.handleFetch(event));

  // Added here, at the top level, as functional events must be. A change heard before the broker
  // started (it woke the worker) is ignored: this worker knows nothing of the generation yet.
  self.addEventListener('cookiechange', (event: Event) => {
    if (!started) return;
    if (touchesCookieOf(event, started.stampedCookies)) started.broker.stampedCookiesChanged();
    if (setsCookieOf(event, started.stampedCookies)) started.broker.credentialsChanged();
  });
}
