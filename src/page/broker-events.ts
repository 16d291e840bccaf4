// The broker's announcements, as callbacks: what every tab hears on the broker's
// BroadcastChannel (src/sw/tab-messages.ts), narrowed from unknown. The channel is the one of
// the broker's namespace (src/sw/broker-names.ts), as the worker names it. One channel per page
// and name, shared by every subscription, closed when the last one ends; each message calls each
// subscribed callback once.

import { findRegisterTag } from '../register/registration-state.ts';
import { brokerNames, namespaceOfScope } from '../sw/broker-names.ts';

export type Unsubscribe = () => void;

export interface RefreshedEvent {
  /** The credential generation the refresh made: it grows by one with each refresh. */
  readonly generation: number;
}

export interface RefreshFailedEvent {
  /** Why, in words (a status, a timeout, a network error, a CSRF cookie that cannot be read); never a value. */
  readonly reason: string;
}

export interface BrokerChannelOptions {
  /**
   * The broker's namespace: the config's `namespace` where it sets one. @default the namespace of
   * the register tag's data-scope (the worker's default), or of the scope "/" without one
   */
  readonly namespace?: string;
}

type Listener = (message: unknown) => void;

interface SharedChannel {
  readonly channel: BroadcastChannel;
  readonly listeners: Set<Listener>;
}

const channels = new Map<string, SharedChannel>();

function subscribe(listener: Listener, options: BrokerChannelOptions): Unsubscribe {
  // No BroadcastChannel (a very old browser): no broker announcement can reach this page anyway.
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const name = brokerNames(options.namespace ?? namespaceOfScope(registerTagScope())).channel;
  let shared = channels.get(name);
  if (!shared) {
    const created: SharedChannel = { channel: new BroadcastChannel(name), listeners: new Set() };
    created.channel.onmessage = (event: MessageEvent<unknown>) => {
      for (const each of [...created.listeners]) each(event.data);
    };
    channels.set(name, (shared = created));
  }
  // A wrapper of our own: the same callback subscribed twice is called twice, and each
  // unsubscribe ends its own subscription only.
  const entry: Listener = (message) => listener(message);
  shared.listeners.add(entry);
  const owner = shared;
  return () => {
    owner.listeners.delete(entry);
    if (owner.listeners.size === 0 && channels.get(name) === owner) {
      owner.channel.close();
      channels.delete(name);
    }
  };
}

/** The scope the register tag asked for; undefined without one (an app that registers its own worker at "/"). */
function registerTagScope(): string | undefined {
  return findRegisterTag()?.getAttribute('data-scope') ?? undefined;
}

function typeOf(message: unknown): unknown {
  return typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
}

/** Calls `callback` when the server refused the refresh: the user must log in again. */
export function onSessionExpired(callback: () => void, options: BrokerChannelOptions = {}): Unsubscribe {
  return subscribe((message) => {
    if (typeOf(message) === 'session-expired') callback();
  }, options);
}

/** Calls `callback` after each successful refresh (made by any tab's requests). */
export function onRefreshed(callback: (event: RefreshedEvent) => void, options: BrokerChannelOptions = {}): Unsubscribe {
  return subscribe((message) => {
    if (typeOf(message) !== 'refreshed') return;
    const { generation } = message as { generation?: unknown };
    if (typeof generation === 'number' && Number.isSafeInteger(generation)) callback({ generation });
  }, options);
}

/** Calls `callback` when a refresh failed for another reason than a refusal (5xx, network, timeout): the session may live on. */
export function onRefreshFailed(callback: (event: RefreshFailedEvent) => void, options: BrokerChannelOptions = {}): Unsubscribe {
  return subscribe((message) => {
    if (typeOf(message) !== 'refresh-failed') return;
    const { reason } = message as { reason?: unknown };
    callback({ reason: typeof reason === 'string' ? reason : 'unknown' });
  }, options);
}
