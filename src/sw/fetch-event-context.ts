// What the broker reads of a fetch event besides its request: the tab it came from, and the
// event's waitUntil, so that a refresh still running when the answer goes back keeps the worker
// alive. Shared by every way a fetch event reaches the broker (a Workbox route, a listener).

import type { BrokeredRequestContext } from './token-broker.ts';

/** The parts of a FetchEvent the context is made of (a structural type, so tests can pass their own). */
export interface FetchEventParts {
  readonly clientId?: unknown;
  waitUntil(work: Promise<unknown>): void;
}

export function contextOf(event: FetchEventParts): BrokeredRequestContext {
  const clientId = typeof event.clientId === 'string' && event.clientId !== '' ? event.clientId : undefined;
  return { client: { clientId }, keepAlive: (work) => event.waitUntil(work) };
}
