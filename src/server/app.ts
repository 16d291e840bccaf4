// The demo backend as a Hono app: flask-jwt-extended's cookie protocol, a small protected API,
// steering routes for tests, and the built demo page. No listening here (see start.ts), so unit
// tests drive it with app.request().
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { registerApiRoutes } from './api-routes.ts';
import { BearerState } from './bearer/bearer-state.ts';
import { registerBearerRoutes } from './bearer/bearer-routes.ts';
import type { DemoCounters } from './counters.ts';
import { type DemoStats, registerDemoRoutes, statsOf } from './demo-routes.ts';
import { registerEventRoutes } from './event-routes.ts';
import { type DemoOptions, resolveOptions } from './options.ts';
import { registerSessionRoutes } from './session-routes.ts';
import { type DemoEnv, DemoState } from './state.ts';
import { registerStaticFiles } from './static-files.ts';

export interface DemoAppOptions extends Partial<DemoOptions> {
  /** Directory of the built page; default: dist/ at the project root. */
  staticDir?: string;
  /** Injectable clock (milliseconds since the epoch) for token timestamps. */
  now?: () => number;
  /** Lifetime of the bearer-mode access tokens (OIDC provider and JSON backend); default 10 s. */
  bearerAccessTtlSeconds?: number;
  /** Tests only: keep every bearer token value issued, readable at GET /__demo/bearer/issued. */
  recordIssuedTokens?: boolean;
}

export interface DemoApp {
  app: Hono<DemoEnv>;
  counters: DemoCounters;
  /** Bearer mode's servers: the OIDC provider (started by start.ts once the origin is known) and the JSON backend. */
  bearer: BearerState;
  /** The current options (a copy); change them with setOptions or POST /__demo/control. */
  readonly options: DemoOptions;
  setOptions(changes: Partial<DemoOptions>): void;
  /** Makes every access token issued so far answer "Token has expired"; returns the new epoch. */
  expireAccessTokens(): number;
  stats(): DemoStats;
  /** Ends held refreshes and slow answers now; called by the server's close(). */
  shutdown(): void;
}

export const DEFAULT_STATIC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist');

export function createDemoApp(appOptions: DemoAppOptions = {}): DemoApp {
  const { staticDir = DEFAULT_STATIC_DIR, now, bearerAccessTtlSeconds, recordIssuedTokens, ...options } = appOptions;
  const state = new DemoState(resolveOptions(options), now);
  const bearer = new BearerState(bearerAccessTtlSeconds, recordIssuedTokens);
  const app = new Hono<DemoEnv>();

  // First: its hooks see every refresh and API request before a handler answers it.
  registerEventRoutes(app, state);
  registerSessionRoutes(app, state);
  registerApiRoutes(app, state);
  registerDemoRoutes(app, state);
  registerBearerRoutes(app, bearer);
  registerStaticFiles(app, staticDir, state.counters);
  // A handler that throws must not print request data (cookies, tokens) anywhere.
  app.onError((_error, c) => c.json({ msg: 'Internal Server Error' }, 500));

  return {
    app,
    counters: state.counters,
    bearer,
    get options() {
      return { ...state.options };
    },
    setOptions(changes) {
      state.options = resolveOptions({ ...state.options, ...changes });
    },
    expireAccessTokens() {
      state.accessEpoch += 1;
      return state.accessEpoch;
    },
    stats: () => statsOf(state),
    shutdown: () => state.shutdown(),
  };
}
