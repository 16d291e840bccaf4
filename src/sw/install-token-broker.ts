// The broker's routes in a Workbox router: how the standalone token-broker-sw.js routes its fetch
// events. A worker of the app's own uses src/worker/ instead, which needs no Workbox.

import { Route, type Router } from 'workbox-routing';
import type { HTTPMethod } from 'workbox-routing/utils/constants.js';
import { contextOf } from './fetch-event-context.ts';
import type { TokenBroker } from './token-broker.ts';

export type { BrokerEnvironment } from './broker-environment.ts';
export { createTokenBroker } from './create-token-broker.ts';

// registerRoute defaults to GET: the broker takes every method workbox knows.
const METHODS: readonly HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Routes the broker's requests, every method, through `router`. */
export function installTokenBroker(router: Router, broker: TokenBroker): void {
  for (const method of METHODS) {
    router.registerRoute(new Route(
      ({ request }) => broker.matches(request),
      ({ request, event }) => broker.handle(request, contextOf(event)),
      method,
    ));
  }
}
