/// <reference lib="webworker" />
// token-broker/worker: the broker inside a service worker of the app's own (a Workbox or
// vite-plugin-pwa injectManifest worker, or a hand-written one), so that precaching and the
// broker live in one worker: a scope holds one worker only. The config is built in (the app's
// code passes it), so nothing is fetched and every route exists before the first fetch event.
//
// Route order: fetch listeners run in the order they were added, and the first respondWith wins.
// So installTokenBroker must run before the app adds its own (precacheAndRoute, registerRoute, a
// fetch listener): then the broker sees the API's requests first, answers them and stops the
// event there, so no route of the app's (a catch-all NetworkFirst, say) answers them too.
// Everything it does not take goes on to the app's listeners untouched. A capture-phase listener
// does not get around the order: Chromium 156 runs a worker's fetch listeners in the order they
// were added, capture or not (tried here: a catch-all added first took the API's requests).

import { withDefaults, type BrokerEnvironment, type BrokerScope } from './broker-environment.ts';
import { resolveConfig, type TokenBrokerOptions } from './config.ts';
import { createTokenBroker } from './create-token-broker.ts';
import { contextOf, type FetchEventParts } from './fetch-event-context.ts';

export type { TokenBrokerOptions } from './config.ts';
export { defineConfig } from './define-config.ts';
export { TokenBrokerError } from './errors.ts';

declare const self: ServiceWorkerGlobalScope & BrokerScope;

/** The fetch event as the broker reads it. */
export interface BrokerFetchEvent extends FetchEventParts {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}

export interface TokenBrokerHandler {
  /** Answers `event` when its request is the broker's (calls respondWith) and returns true; returns false and leaves the event alone otherwise. */
  handleFetch(event: BrokerFetchEvent): boolean;
}

/** For tests and special workers: what `env` leaves out is taken from the worker's global scope, as in the standalone worker. */
export type TokenBrokerWorkerOptions = Partial<BrokerEnvironment>;

/**
 * The broker for a worker that routes its own fetch events: call `handleFetch(event)` first in
 * your fetch listener, and handle the event yourself when it returns false.
 * Throws a TokenBrokerError naming every bad key when `config` is invalid.
 */
export function createTokenBrokerHandler(config: TokenBrokerOptions, options: TokenBrokerWorkerOptions = {}): TokenBrokerHandler {
  const resolved = resolveConfig(config, self.location.origin);
  const broker = createTokenBroker(resolved, withDefaults(options, self, resolved.namespace));
  return {
    handleFetch(event) {
      if (!broker.matches(event.request)) return false;
      let answer!: (response: Promise<Response>) => void;
      // respondWith before the request is sent: where another listener has answered the event
      // already, respondWith throws, and the request must not go out a second time.
      event.respondWith(new Promise<Response>((resolve) => { answer = resolve; }));
      answer(broker.handle(event.request, contextOf(event)));
      return true;
    },
  };
}

/**
 * Installs the broker in this worker: a fetch listener that answers the broker's requests and
 * stops the event there. Call it once, at the top level of the worker, BEFORE the app adds its
 * own routes or fetch listeners (precacheAndRoute, registerRoute): listeners run in the order
 * they were added, and a catch-all route added first would answer the API's requests itself.
 * Throws a TokenBrokerError naming every bad key when `config` is invalid.
 */
export function installTokenBroker(config: TokenBrokerOptions, options: TokenBrokerWorkerOptions = {}): TokenBrokerHandler {
  const handler = createTokenBrokerHandler(config, options);
  self.addEventListener('fetch', (event) => {
    if (handler.handleFetch(event)) event.stopImmediatePropagation();
  });
  return handler;
}
