// The broker as a module any worker can install into its own Workbox router; the standalone
// token-broker-sw.js is just its first caller.

import { Route, type Router } from 'workbox-routing';
import type { HTTPMethod } from 'workbox-routing/utils/constants.js';
import type { TokenBrokerConfig } from './config.ts';
import { CookieCredentials, type CookieReader } from './cookie-credentials.ts';
import type { CredentialSource } from './credential-source.ts';
import { FreshCookieReads } from './fresh-cookie-reads.ts';
import { type GenerationStore } from './generation-store.ts';
import { RefreshCoordinator } from './refresh-coordinator.ts';
import { NoRefreshLock, WebRefreshLock } from './refresh-lock.ts';
import { openTabChannel, refreshedGeneration, type TabAnnouncer, type TabChannel } from './tab-messages.ts';
import { TokenBroker } from './token-broker.ts';

// registerRoute defaults to GET: the broker takes every method workbox knows.
const METHODS: readonly HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

export interface BrokerEnvironment {
  readonly store: GenerationStore;
  /** Where cookies are read; where it gives their expiry (the Cookie Store API), requests can refresh ahead of it. */
  readonly cookies: CookieReader;
  readonly locks?: LockManager;
  /** Overrides where outcomes are announced (tests); without a tabChannel, nothing is heard then. */
  readonly announce?: TabAnnouncer;
  /** BroadcastChannel 'token-broker': outcomes go out on it, other workers' refreshes come in. */
  readonly tabChannel?: TabChannel;
  readonly fetch?: typeof fetch;
}

/** Builds a broker from a resolved config, synchronously, so that routes exist before the first fetch event. */
export function createTokenBroker(config: TokenBrokerConfig, env: BrokerEnvironment): TokenBroker {
  const credentials = createCredentialSource(config, env);
  const tabChannel = env.tabChannel ?? (env.announce === undefined ? openTabChannel() : undefined);
  const coordinator = new RefreshCoordinator({
    credentials,
    store: env.store,
    lock: env.locks ? new WebRefreshLock(env.locks) : new NoRefreshLock(),
    announce: env.announce ?? tabChannel?.announce ?? (() => undefined),
    refreshTimeoutMs: config.refreshTimeoutMs,
    cooldownMs: config.cooldownMs,
  });
  followOtherWorkersRefreshes(tabChannel, coordinator);
  return new TokenBroker({
    config, credentials, coordinator, fetch: env.fetch,
    // The page's own refresh call, when it must go out, goes out as this same refresh.
    refreshThrough: (send) => createCredentialSource(config, { ...env, fetch: send }),
  });
}

/** Routes the broker's requests, every method, through `router`. */
export function installTokenBroker(router: Router, broker: TokenBroker): void {
  for (const method of METHODS) {
    router.registerRoute(new Route(({ request }) => broker.matches(request), ({ request, event }) => broker.handle(request, clientIdOf(event)), method));
  }
}

/** Every refresh another worker makes is adopted here (see RefreshCoordinator.learnOf for why). */
function followOtherWorkersRefreshes(channel: TabChannel | undefined, coordinator: RefreshCoordinator): void {
  channel?.listen((message) => {
    const generation = refreshedGeneration(message);
    if (generation !== undefined) void coordinator.learnOf(generation);
  });
}

function createCredentialSource(config: TokenBrokerConfig, env: BrokerEnvironment): CredentialSource {
  return new CookieCredentials(config, new FreshCookieReads(env.cookies), env.fetch);
}

/** The tab a fetch event comes from ('' where there is none). */
function clientIdOf(event: object): string {
  const { clientId } = event as { clientId?: unknown };
  return typeof clientId === 'string' ? clientId : '';
}
