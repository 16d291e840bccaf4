// Everything one demo server instance remembers, in one object handed to the route modules,
// so that two servers in one process (parallel tests) never share tokens, sessions or counts.
import type { IncomingMessage } from 'node:http';
import { DemoCounters } from './counters.ts';
import { ServerEventLog } from './event-log.ts';
import type { DemoOptions } from './options.ts';
import { SessionRegistry } from './sessions.ts';
import { type TokenClaims, TokenSigner } from './tokens.ts';

export class DemoState {
  readonly signer: TokenSigner;
  readonly sessions = new SessionRegistry();
  readonly counters = new DemoCounters();
  readonly events: ServerEventLog;
  options: DemoOptions;
  /** Every access token carries the epoch it was issued in; older epochs are answered "expired". */
  accessEpoch = 0;
  readonly #shutdown = new AbortController();

  constructor(options: DemoOptions, now: () => number = Date.now) {
    this.options = options;
    this.signer = new TokenSigner(now);
    this.events = new ServerEventLog(now);
  }

  /** Aborted when the server closes: ends held refreshes and slow answers at once. */
  get shutdownSignal(): AbortSignal {
    return this.#shutdown.signal;
  }

  shutdown(): void {
    this.#shutdown.abort();
  }
}

/** Resolves after `ms`, or as soon as one of the signals aborts (never rejects). */
export function wait(ms: number, ...signals: (AbortSignal | undefined)[]): Promise<void> {
  return new Promise((resolve) => {
    const live = signals.filter((signal): signal is AbortSignal => signal !== undefined);
    if (live.some((signal) => signal.aborted)) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      for (const signal of live) signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const signal of live) signal.addEventListener('abort', done, { once: true });
  });
}

/** Hono's env for this app. */
export interface DemoEnv {
  // Under @hono/node-server the Node request is there (to drop a held connection); under app.request() it is not.
  Bindings: { incoming?: IncomingMessage };
  Variables: {
    /** The verified access token of an /api/ request. */
    claims: TokenClaims | undefined;
    /** Set when the answer is a 401 "Token has expired", for the api401Expired counter. */
    expiredAnswer: boolean;
  };
}
