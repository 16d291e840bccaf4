// The one interface every browser engine is driven through, so that a scenario file is written
// once and runs in every engine. Each engine's driver (chromium.ts, firefox.ts, webkit.ts) maps it onto its
// own automation protocol; what an engine cannot do is listed in limits.ts, with the reason.

export type EngineName = 'chromium' | 'firefox' | 'webkit';

/** A browser profile: its tabs share one service worker, cookies, IndexedDB and Web Locks. */
export interface Profile {
  readonly engine: EngineName;
  /** Opens a tab on `url` (absolute) and waits for its load event. */
  openTab(url: string): Promise<Tab>;
  /** The profile's cookies, as the browser's jar holds them (HttpOnly ones included). */
  cookies(): Promise<BrowserCookie[]>;
  /** Every console line of the profile's pages, and of its service workers where the engine passes them on. */
  readonly consoleLines: readonly string[];
  /** DevTools-only powers; undefined in an engine that has none (see limits.ts). */
  readonly devtools: DevTools | undefined;
  close(): Promise<void>;
}

export interface ProfileOptions {
  /** false: the same browser with service workers off, to run a page "without the broker". @default true */
  readonly serviceWorkers?: boolean;
}

/** A page, driven from the test. Functions handed to it run in the page: self-contained, no closures. */
export interface Tab {
  evaluate<R>(fn: () => R | Promise<R>): Promise<R>;
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Resolves once `fn` returns a truthy value in the page; rejects after `timeoutMs`. */
  waitForFunction(fn: () => unknown, timeoutMs?: number): Promise<void>;
  /** Runs `fn` in the page at the start of every later load of this tab, before its own scripts. */
  addInitScript(fn: () => void): Promise<void>;
  goto(url: string): Promise<void>;
  close(): Promise<void>;
}

export interface DevTools {
  /** Stops every service worker of the profile, as the browser does with an idle one. */
  stopServiceWorkers(tab: Tab): Promise<void>;
  /** Cuts (or restores) the network of the pages and their service worker. */
  setOffline(offline: boolean): Promise<void>;
  /** Reloads bypassing the cache (a shift-reload), and resolves at the load event. */
  reloadBypassingCache(tab: Tab): Promise<void>;
  /** The memory of the one running service worker whose script URL starts with `scriptUrlPrefix`, after a garbage collection. */
  serviceWorkerMemory(scriptUrlPrefix: string): Promise<WorkerMemory>;
}

export interface WorkerMemory {
  /** The JS heap in use. */
  readonly heapUsedBytes: number;
  /** ArrayBuffer contents (outside the JS heap): where request bodies kept for a replay live. */
  readonly arrayBufferBytes: number;
}

export interface BrowserCookie {
  readonly name: string;
  readonly value: string;
  /** ms since the epoch; undefined for a session cookie. */
  readonly expiresAtMs: number | undefined;
}

export interface Engine {
  readonly name: EngineName;
  newProfile(options?: ProfileOptions): Promise<Profile>;
  close(): Promise<void>;
}

export const DEFAULT_WAIT_MS = 15_000;
