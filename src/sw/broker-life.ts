// The one place that owns the broker's life in a worker. It starts the broker once: from the
// config fetched at install (validated there, so a bad config rejects the install), or, when the
// browser wakes a worker installed earlier, from the copy saved then (from the network when
// storage fails). A worker built with its config inside (the Vite plugin) uses that one, always:
// no fetch, no storage, and a bad one rejects the install all the same. Whichever asks first starts it; everyone else waits for that same start.
// It also decides, for each fetch event, whether to answer it: before the config is known, only
// a request that some config could broker may wait for it, and never longer than the bounded
// config read and fetch.

import type { IdbStore } from './idb-store.ts';
import { brokerLog, lineOf } from './broker-log.ts';
import { resolveConfig, type TokenBrokerConfig } from './config.ts';
import { configUrlOf, fetchConfig, loadSavedConfig, saveConfig } from './config-source.ts';
import { mayBeBrokered } from './request-matcher.ts';

/** What the broker reads of a fetch event. */
export interface FetchEventLike {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}

/** A started broker's answer to a fetch event; undefined: not brokered, leave it to the browser. */
export type AnswerFetch<E extends FetchEventLike> = (event: E) => Promise<Response> | undefined;

export interface BrokerLifeOptions<E extends FetchEventLike> {
  /** The worker's own URL, which carries `?config=` (unless the config is built in). */
  readonly workerUrl: string;
  /** The config built into the worker's script, as written: taken instead of `?config=`. */
  readonly builtInConfig?: unknown;
  /** Where the config is saved at install for later wakes (every call bounded by config-source.ts). */
  readonly database: IdbStore;
  /** Builds the one broker of this worker. */
  readonly build: (config: TokenBrokerConfig) => AnswerFetch<E>;
  readonly fetch?: typeof fetch;
}

interface LoadedConfig {
  readonly config: TokenBrokerConfig;
  /** The config as fetched, to save for the next wake; absent when it came from storage. */
  readonly fetched?: unknown;
}

export class BrokerLife<E extends FetchEventLike> {
  readonly #options: BrokerLifeOptions<E>;
  readonly #fetch: typeof fetch;
  #starting: Promise<LoadedConfig> | undefined;
  #answer: AnswerFetch<E> | undefined;
  #failed = false;

  constructor(options: BrokerLifeOptions<E>) {
    this.#options = options;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /**
   * The install event's work: the broker started from the config at the config URL, then that
   * config saved for later wakes. Rejects when there is no valid config: the install fails and
   * the app runs exactly as it would without the broker. A storage failure does not fail it.
   * Resolves with the config, which the install may also route by (static-routes.ts).
   */
  async install(): Promise<TokenBrokerConfig> {
    const { config, fetched } = await this.#startOnce(() => this.#fromBuiltInOr(() => this.#fromNetwork()));
    if (fetched !== undefined) await this.#save(fetched);
    return config;
  }

  /** Answers `event` if the broker takes it; before the start, holds only what some config could broker. */
  handleFetch(event: E): void {
    if (this.#answer) {
      const response = this.#answer(event);
      if (response) event.respondWith(response);
      return;
    }
    if (this.#failed) return;
    // Not started yet: the first events after the browser woke the worker. Any of them starts
    // the broker (a navigation too, so that the config is read while the page loads), but only
    // a request that some config could broker waits for it; what turns out not to be brokered
    // (or finds no config) then goes to the network as it came.
    const started = this.#wake();
    if (!mayBeBrokered(event.request)) return;
    const { request } = event;
    event.respondWith(started.then((answer) => answer?.(event) ?? this.#fetch(request)));
  }

  /** Starts the broker from the saved config if nothing has started it; resolves undefined if it cannot start. */
  #wake(): Promise<AnswerFetch<E> | undefined> {
    return this.#startOnce(() => this.#fromBuiltInOr(() => this.#fromSavedOrNetwork())).then(() => this.#answer, () => undefined);
  }

  /** The built-in config, validated, when the worker has one; otherwise `load`. */
  async #fromBuiltInOr(load: () => Promise<LoadedConfig>): Promise<LoadedConfig> {
    const { builtInConfig, workerUrl } = this.#options;
    return builtInConfig === undefined ? load() : { config: resolveConfig(builtInConfig, origin(workerUrl)) };
  }

  /** The one start path: the first caller's source wins, later callers share its result. */
  #startOnce(load: () => Promise<LoadedConfig>): Promise<LoadedConfig> {
    this.#starting ??= load().then(
      (loaded) => {
        this.#answer = this.#options.build(loaded.config);
        return loaded;
      },
      (error: unknown) => {
        // The broker stays off for this worker's life: requests go to the browser untouched.
        this.#failed = true;
        brokerLog.error(lineOf(error));
        throw error;
      },
    );
    return this.#starting;
  }

  async #fromNetwork(): Promise<LoadedConfig> {
    const { raw, config } = await fetchConfig(configUrlOf(this.#options.workerUrl), origin(this.#options.workerUrl), this.#fetch);
    return { config, fetched: raw };
  }

  async #fromSavedOrNetwork(): Promise<LoadedConfig> {
    const { workerUrl, database } = this.#options;
    const saved = await loadSavedConfig(database, configUrlOf(workerUrl), origin(workerUrl)).catch((error: unknown) => {
      // Storage failed or hung (bounded), or the saved copy no longer passes validation.
      brokerLog.warn(lineOf(error));
      return undefined;
    });
    if (saved) return { config: saved };
    const loaded = await this.#fromNetwork();
    // A worker whose saved copy was lost saves the one it fetched; no request waits for that.
    void this.#save(loaded.fetched);
    return loaded;
  }

  async #save(raw: unknown): Promise<void> {
    try {
      await saveConfig(this.#options.database, configUrlOf(this.#options.workerUrl), raw);
    } catch (error) {
      // The next wake then fetches the config from the network instead.
      brokerLog.warn(lineOf(error));
    }
  }
}

function origin(url: string): string {
  return new URL(url).origin;
}
