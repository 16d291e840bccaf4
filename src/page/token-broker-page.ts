// The page helper, token-broker-page.js: optional, for apps that want to react to the broker.
// The broker works without it. It only listens (the broker's channel, the register script's
// attribute, the page's controller); it never sends a request or touches a credential.

export { onRefreshed, onRefreshFailed, onSessionExpired } from './broker-events.ts';
export type { BrokerChannelOptions, RefreshedEvent, RefreshFailedEvent, Unsubscribe } from './broker-events.ts';
export { ready } from './broker-readiness.ts';
export type { NotControlledReason, Readiness, ReadyOptions } from './broker-readiness.ts';
