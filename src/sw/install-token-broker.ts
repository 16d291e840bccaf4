// The broker as a module any worker can install into its own Workbox router; the standalone
// token-broker-sw.js (start-token-broker.ts) is just its first caller, with the same defaults.

import { Route, type Router } from 'workbox-routing';
import type { HTTPMethod } from 'workbox-routing/utils/constants.js';
import { withDefaults, type BrokerEnvironment, type BrokerScope } from './broker-environment.ts';
import { BearerCredentials } from './bearer-credentials.ts';
import { BearerRoutes } from './bearer-routes.ts';
import { isBearerMode, type CookieModeConfig, type TokenBrokerConfig } from './config.ts';
import { CookieCredentials } from './cookie-credentials.ts';
import type { CredentialSource } from './credential-source.ts';
import { FreshCookieReads } from './fresh-cookie-reads.ts';
import { INITIAL_GENERATION } from './generation-store.ts';
import { MemoryOnlySecrets } from './memory-only-secrets.ts';
import { RefreshCoordinator } from './refresh-coordinator.ts';
import { NoRefreshLock, WebRefreshLock } from './refresh-lock.ts';
import { openTabChannel, refreshedGeneration, type TabChannel } from './tab-messages.ts';
import { TokenBroker } from './token-broker.ts';

export type { BrokerEnvironment } from './broker-environment.ts';

// registerRoute defaults to GET: the broker takes every method workbox knows.
const METHODS: readonly HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Builds a broker from a resolved config, synchronously, so that routes exist before the first
 * fetch event. What `env` leaves out comes from the worker's global scope, as in the standalone
 * worker (broker-environment.ts): IndexedDB, Web Locks, and cookies from the Cookie Store API with
 * the tabs as fallback.
 */
export function createTokenBroker(config: TokenBrokerConfig, env: Partial<BrokerEnvironment> = {}): TokenBroker {
  // The worker's global scope; read only for what `env` leaves out.
  const resolved = withDefaults(env, self as unknown as BrokerScope);
  // Bearer mode's vault is the coordinator's generation record, which the source reads back.
  let coordinator: RefreshCoordinator | undefined;
  const credentials = isBearerMode(config)
    ? new BearerCredentials({ config, record: () => coordinator?.record ?? INITIAL_GENERATION, fetch: resolved.fetch })
    : createCookieCredentials(config, resolved);
  const tabChannel = resolved.tabChannel ?? (resolved.announce === undefined ? openTabChannel() : undefined);
  coordinator = new RefreshCoordinator({
    credentials,
    store: isBearerMode(config) && !config.bearer.persistTokens ? new MemoryOnlySecrets(resolved.store) : resolved.store,
    lock: resolved.locks ? new WebRefreshLock(resolved.locks) : new NoRefreshLock(),
    announce: resolved.announce ?? tabChannel?.announce ?? (() => undefined),
    refreshTimeoutMs: config.refreshTimeoutMs,
    cooldownMs: config.cooldownMs,
  });
  followOtherWorkersRefreshes(tabChannel, coordinator);
  if (isBearerMode(config)) {
    const fetchImpl = resolved.fetch ?? ((input, init) => fetch(input, init));
    return new TokenBroker({
      config, credentials, coordinator, fetch: resolved.fetch,
      bearerRoutes: new BearerRoutes({ config, coordinator, fetch: fetchImpl }),
    });
  }
  return new TokenBroker({
    config, credentials, coordinator, fetch: resolved.fetch,
    // The page's own refresh call, when it must go out, goes out as this same refresh.
    refreshThrough: (send) => createCookieCredentials(config, { ...resolved, fetch: send }),
  });
}

/** Routes the broker's requests, every method, through `router`. */
export function installTokenBroker(router: Router, broker: TokenBroker): void {
  for (const method of METHODS) {
    router.registerRoute(new Route(
      ({ request }) => broker.matches(request),
      ({ request, event }) => broker.handle(request, { client: { clientId: clientIdOf(event) }, keepAlive: (work) => event.waitUntil(work) }),
      method,
    ));
  }
}

/** Every refresh another worker makes is adopted here (see RefreshCoordinator.learnOf for why). */
function followOtherWorkersRefreshes(channel: TabChannel | undefined, coordinator: RefreshCoordinator): void {
  channel?.listen((message) => {
    const generation = refreshedGeneration(message);
    if (generation !== undefined) void coordinator.learnOf(generation);
  });
}

/** The tab a fetch event comes from (FetchEvent.clientId; empty or absent when unknown). */
function clientIdOf(event: unknown): string | undefined {
  const clientId = (event as { clientId?: unknown } | undefined)?.clientId;
  return typeof clientId === 'string' && clientId !== '' ? clientId : undefined;
}

function createCookieCredentials(config: CookieModeConfig, env: BrokerEnvironment): CredentialSource {
  return new CookieCredentials(config, new FreshCookieReads(env.cookies), env.fetch);
}
