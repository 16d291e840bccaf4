// Builds the one broker of a worker from a resolved config, with the defaults every worker shares
// (broker-environment.ts). No Workbox here: the standalone worker routes through a Workbox router
// (install-token-broker.ts), a worker of the app's own through its fetch listener (src/worker/).

import { withDefaults, type BrokerEnvironment, type BrokerScope } from './broker-environment.ts';
import type { TokenBrokerConfig } from './config.ts';
import { CookieCredentials } from './cookie-credentials.ts';
import type { CredentialSource } from './credential-source.ts';
import { FreshCookieReads } from './fresh-cookie-reads.ts';
import { RefreshCoordinator } from './refresh-coordinator.ts';
import { NoRefreshLock, WebRefreshLock } from './refresh-lock.ts';
import { openTabChannel, refreshedGeneration, type TabChannel } from './tab-messages.ts';
import { consoleDecisions } from './decision-log.ts';
import { TokenBroker } from './token-broker.ts';

/**
 * Builds a broker from a resolved config, synchronously, so that routes exist before the first
 * fetch event. What `env` leaves out comes from the worker's global scope, as in the standalone
 * worker (broker-environment.ts): IndexedDB, Web Locks, and cookies from the Cookie Store API with
 * the tabs as fallback.
 */
export function createTokenBroker(config: TokenBrokerConfig, env: Partial<BrokerEnvironment> = {}): TokenBroker {
  // The worker's global scope; read only for what `env` leaves out.
  const resolved = withDefaults(env, self as unknown as BrokerScope, config.namespace);
  const credentials = createCredentialSource(config, resolved);
  const tabChannel = resolved.tabChannel ?? (resolved.announce === undefined ? openTabChannel(console, resolved.names.channel) : undefined);
  const coordinator = new RefreshCoordinator({
    credentials,
    store: resolved.store,
    lock: resolved.locks ? new WebRefreshLock(resolved.locks, resolved.names.lock) : new NoRefreshLock(),
    announce: resolved.announce ?? tabChannel?.announce ?? (() => undefined),
    refreshTimeoutMs: config.refreshTimeoutMs,
    cooldownMs: config.cooldownMs,
  });
  followOtherWorkersRefreshes(tabChannel, coordinator);
  return new TokenBroker({
    config, credentials, coordinator, fetch: resolved.fetch,
    // The page's own refresh call, when it must go out, goes out as this same refresh.
    decisions: config.debug ? consoleDecisions(console, (self as { location?: { origin: string } }).location?.origin) : undefined,
    refreshThrough: (send) => createCredentialSource(config, { ...resolved, fetch: send }),
  });
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
