// Builds the one broker of a worker from a resolved config, with the defaults every worker shares
// (broker-environment.ts): its credential source per mode (cookies, or bearer mode's vault), the
// refresh coordinator, and the lifetime learner. No Workbox here: the standalone worker routes
// through a Workbox router (install-token-broker.ts), a worker of the app's own through its fetch
// listener (src/worker/).

import { BearerCredentials } from './bearer-credentials.ts';
import { BearerRoutes } from './bearer-routes.ts';
import { withDefaults, type BrokerEnvironment, type BrokerScope } from './broker-environment.ts';
import { brokerLog } from './broker-log.ts';
import { isBearerMode, type CookieModeConfig, type TokenBrokerConfig } from './config.ts';
import { CookieCredentials } from './cookie-credentials.ts';
import { INITIAL_GENERATION } from './credential-generation.ts';
import type { CredentialSource } from './credential-source.ts';
import { consoleDecisions } from './decision-log.ts';
import { FreshCookieReads } from './fresh-cookie-reads.ts';
import { LifetimeLearner } from './lifetime-learner.ts';
import { MemoryOnlySecrets } from './memory-only-secrets.ts';
import { RefreshCoordinator } from './refresh-coordinator.ts';
import { NoRefreshLock, WebRefreshLock } from './refresh-lock.ts';
import { openTabChannel, refreshedGeneration, type TabChannel } from './tab-messages.ts';
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
  // Bearer mode's vault is the coordinator's generation record, which the source reads back.
  let coordinator: RefreshCoordinator | undefined;
  const credentials = isBearerMode(config)
    ? new BearerCredentials({ config, record: () => coordinator?.record ?? INITIAL_GENERATION, fetch: resolved.fetch })
    : createCookieCredentials(config, resolved);
  const tabChannel = resolved.tabChannel ?? (resolved.announce === undefined ? openTabChannel(brokerLog, resolved.names.channel) : undefined);
  // On the coordinator's clock (its default, workerClockMs): the record's times and the learner's
  // are compared. Cookie mode only: bearer mode reads each token's lifetime from its answer.
  const lifetime = !isBearerMode(config) && config.learnLifetime
    ? new LifetimeLearner({ refreshAheadMs: config.refreshAheadMs, cooldownMs: config.cooldownMs })
    : undefined;
  coordinator = new RefreshCoordinator({
    credentials,
    store: isBearerMode(config) && !config.bearer.persistTokens ? new MemoryOnlySecrets(resolved.store) : resolved.store,
    lock: resolved.locks ? new WebRefreshLock(resolved.locks, resolved.names.lock) : new NoRefreshLock(),
    announce: resolved.announce ?? tabChannel?.announce ?? (() => undefined),
    refreshTimeoutMs: config.refreshTimeoutMs,
    cooldownMs: config.cooldownMs,
    lifetime,
  });
  followOtherWorkersRefreshes(tabChannel, coordinator);
  const decisions = config.debug ? consoleDecisions(brokerLog, (self as { location?: { origin: string } }).location?.origin) : undefined;
  if (isBearerMode(config)) {
    const fetchImpl = resolved.fetch ?? ((input, init) => fetch(input, init));
    return new TokenBroker({
      config, credentials, coordinator, fetch: resolved.fetch, decisions,
      bearerRoutes: new BearerRoutes({ config, coordinator, fetch: fetchImpl }),
    });
  }
  return new TokenBroker({
    config, credentials, coordinator, fetch: resolved.fetch, lifetime, decisions,
    // The page's own refresh call, when it must go out, goes out as this same refresh.
    refreshThrough: (send) => createCookieCredentials(config, { ...resolved, fetch: send }),
  });
}

/** Every refresh another worker makes is adopted here (see RefreshCoordinator.learnOf for why). */
function followOtherWorkersRefreshes(channel: TabChannel | undefined, coordinator: RefreshCoordinator): void {
  channel?.listen((message) => {
    const generation = refreshedGeneration(message);
    if (generation !== undefined) void coordinator.learnOf(generation);
  });
}

function createCookieCredentials(config: CookieModeConfig, env: BrokerEnvironment): CredentialSource {
  return new CookieCredentials(config, new FreshCookieReads(env.cookies), env.fetch);
}
