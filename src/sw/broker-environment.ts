// What a broker needs from the worker it runs in, and the defaults every worker shares: the
// standalone token-broker-sw.js and a worker of the app's own (Workbox, vite-plugin-pwa) get the
// same cookie wiring, the same persistence and the same lock unless they pass their own.

import type { CookieReader } from './cookie-credentials.ts';
import { brokerNames, namespaceOfScope, type BrokerNames } from './broker-names.ts';
import type { GenerationStore } from './credential-generation.ts';
import { IdbGenerationStore, openBrokerDatabase } from './generation-store.ts';
import { CookieReaderWithFallback, PageCookieReader, type PageMessenger } from './page-cookie-reader.ts';
import type { TabAnnouncer, TabChannel } from './tab-messages.ts';

export interface BrokerEnvironment {
  /** The database, lock and channel names (broker-names.ts); default: from the config's namespace, else the worker's scope. */
  readonly names: BrokerNames;
  readonly store: GenerationStore;
  /** Where cookies are read; where it gives their expiry (the Cookie Store API), requests can refresh ahead of it. */
  readonly cookies: CookieReader;
  readonly locks?: LockManager;
  /** Overrides where outcomes are announced (tests); without a tabChannel, nothing is heard then. */
  readonly announce?: TabAnnouncer;
  /** BroadcastChannel `names.channel`: outcomes go out on it, other workers' refreshes come in. */
  readonly tabChannel?: TabChannel;
  readonly fetch?: typeof fetch;
}

/** The parts of a service worker's global scope the defaults read (a structural type, so tests can pass their own). */
export interface BrokerScope {
  readonly clients: { matchAll(options: { type: 'window' }): ReturnType<PageMessenger['windows']> };
  readonly navigator?: { readonly locks?: LockManager };
  /** The worker's registration: its scope gives the default namespace. */
  readonly registration?: { readonly scope: string };
  /** The Cookie Store API; missing in some browsers' workers. */
  readonly cookieStore?: CookieReader & { getAll?(): Promise<readonly unknown[]> };
}

/**
 * `given`, with every missing piece filled in from `scope`: the names of `namespace` (default: the
 * worker's scope), the generation in that IndexedDB database, the scope's Web Locks, and cookies
 * read from the Cookie Store API with the tabs as fallback (or from the tabs alone where the
 * worker has no Cookie Store API).
 */
export function withDefaults(given: Partial<BrokerEnvironment>, scope: BrokerScope, namespace?: string): BrokerEnvironment {
  const names = given.names ?? brokerNames(namespace ?? namespaceOfScope(scope.registration?.scope));
  return {
    ...given,
    names,
    store: given.store ?? new IdbGenerationStore(openBrokerDatabase(names.database)),
    cookies: given.cookies ?? defaultCookieReader(scope),
    locks: given.locks ?? scope.navigator?.locks,
  };
}

/**
 * The Cookie Store API first, the tabs' document.cookie when it sees nothing (Firefox gives about
 * half of its workers a blind cookieStore: see page-cookie-reader.ts), the tabs alone without it.
 */
export function defaultCookieReader(scope: BrokerScope): CookieReader {
  const fromPages = new PageCookieReader({ windows: () => scope.clients.matchAll({ type: 'window' }) });
  return scope.cookieStore ? new CookieReaderWithFallback(scope.cookieStore, fromPages) : fromPages;
}
