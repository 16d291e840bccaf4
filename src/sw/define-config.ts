// defineConfig: the identity, typed, so that a config written in code (vite.config.ts, a worker
// of the app's own) is checked by TypeScript where it is written: editors complete its keys and
// a misspelled key or a wrong value type is an error before anything runs.

import type { JsonBackendOptions, OAuthOptions } from './bearer-config.ts';
import type { CookieModeOptions, TokenBrokerOptions } from './config.ts';

/** `Value` with every key `Shape` does not know typed `never`: a misspelled key is an error at that key. */
type Exact<Value, Shape> = Value & Record<Exclude<keyof Value, keyof Shape>, never>;

// A generic parameter is inferred, not checked for excess keys as a plain object literal is, so
// each object of keys is held to its shape here, the top level and every mode's own object.
type ExactConfig<C> = Exact<C, TokenBrokerOptions>
  & (C extends { refresh: infer R } ? { refresh: Exact<R, CookieModeOptions['refresh']> } : unknown)
  & (C extends { oauth: infer O } ? { oauth: Exact<O, OAuthOptions> } : unknown)
  & (C extends { json: infer J } ? { json: Exact<J, JsonBackendOptions> } : unknown);

export function defineConfig<const C extends TokenBrokerOptions>(config: ExactConfig<C>): C {
  return config;
}
