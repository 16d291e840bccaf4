// The names a broker shares with other workers and with its pages: its IndexedDB database, its
// Web Lock and its BroadcastChannel. Two apps on one origin (different scopes) must not share them
// unless they mean to: a refresh of one app's session is no news to another's, and one app's
// generation counter must not move with another's refreshes. So the names carry a namespace,
// derived from the worker's scope unless the config names one. The scope "/" keeps the names of
// the versions before namespaces, so that a broker updated in place keeps its stored generation.
// Shared by the worker and the page side (the page helper listens on the same channel).

export interface BrokerNames {
  /** IndexedDB database: the credential generation and the saved config. */
  readonly database: string;
  /** Web Lock held around each refresh. */
  readonly lock: string;
  /** BroadcastChannel of the outcomes (tabs) and of other workers' refreshes. */
  readonly channel: string;
}

/** What the `namespace` config key may hold: a word or a path-like name, no spaces or punctuation that could confuse a name. */
export const NAMESPACE_PATTERN = /^[A-Za-z0-9._~/-]{0,100}$/;

/** The default namespace of a worker registered with `scopeUrl`: its path without the outer slashes ("/" gives "", "/app/" gives "app"). */
export function namespaceOfScope(scopeUrl: string | undefined): string {
  if (scopeUrl === undefined) return '';
  return new URL(scopeUrl, 'http://scope.invalid').pathname.replace(/^\/+|\/+$/g, '');
}

export function brokerNames(namespace: string): BrokerNames {
  if (namespace === '') return { database: 'token-broker', lock: 'token-broker-refresh', channel: 'token-broker' };
  return { database: `token-broker:${namespace}`, lock: `token-broker-refresh:${namespace}`, channel: `token-broker:${namespace}` };
}
