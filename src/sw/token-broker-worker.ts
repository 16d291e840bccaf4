/// <reference lib="webworker" />
// token-broker/worker: the broker inside a service worker of the app's own (a Workbox or
// vite-plugin-pwa injectManifest worker, or a hand-written one), so that precaching and the
// broker live in one worker: a scope holds one worker only. The config is built in (the app's
// code passes it), so nothing is fetched and every route exists before the first fetch event.
//
// Route order: the broker's fetch listener is added in the capture phase. At the event's target
// (a worker's global scope has no parent) capture listeners run before every other listener,
// whatever the order they were added in, so the broker sees the API's requests before any route
// of the app's own (a catch-all NetworkFirst, a NavigationRoute), and stops the event there when
// it answers. Everything it does not take goes on to the app's listeners untouched.

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
  const broker = createTokenBroker(resolved, withDefaults(options, self));
  return {
    handleFetch(event) {
      if (!broker.matches(event.request)) return false;
      event.respondWith(broker.handle(event.request, contextOf(event)));
      return true;
    },
  };
}

/**
 * Installs the broker in this worker: a fetch listener that answers the broker's requests before
 * any route or listener of the app's own, whenever those were added. Call it once, at the top
 * level of the worker (a listener added later misses the events of the worker's first start).
 * Throws a TokenBrokerError naming every bad key when `config` is invalid.
 */
export function installTokenBroker(config: TokenBrokerOptions, options: TokenBrokerWorkerOptions = {}): TokenBrokerHandler {
  const handler = createTokenBrokerHandler(config, options);
  self.addEventListener('fetch', (event) => {
    if (handler.handleFetch(event)) event.stopImmediatePropagation();
  }, { capture: true });
  return handler;
}
