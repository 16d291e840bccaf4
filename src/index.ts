// token-broker: the config's type and defineConfig, for code that writes a config (a vite.config.ts,
// a worker of the app's own, a script that writes token-broker.json). The entries that do things:
// token-broker/worker, token-broker/vite, token-broker/page, and the standalone files
// token-broker/token-broker-sw.js and token-broker/token-broker-register.js.

export type { HeaderValue, TokenBrokerOptions } from './sw/config.ts';
export { defineConfig } from './sw/define-config.ts';
