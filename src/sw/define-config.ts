// defineConfig: the identity, typed, so that a config written in code (vite.config.ts, a worker
// of the app's own) is checked by TypeScript where it is written: editors complete its keys and
// a misspelled key or a wrong value type is an error before anything runs.

import type { TokenBrokerOptions } from './config.ts';

export function defineConfig<const C extends TokenBrokerOptions>(config: C & Record<Exclude<keyof C, keyof TokenBrokerOptions>, never>): C {
  return config;
}
