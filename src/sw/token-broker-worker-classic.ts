/// <reference lib="webworker" />
// token-broker-worker.classic.js: the module entry (token-broker-worker.ts) for a classic worker,
// which loads it with importScripts('/token-broker-worker.classic.js') and then calls
// TokenBroker.installTokenBroker({...}). One global, TokenBroker; nothing else is added.

import * as TokenBroker from './token-broker-worker.ts';

declare const self: ServiceWorkerGlobalScope & { TokenBroker?: typeof TokenBroker };

self.TokenBroker = TokenBroker;
