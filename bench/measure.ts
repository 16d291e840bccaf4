// One run of one cell: T tabs of one variant's page in one browser profile, a login, the expiry,
// the burst of T x R requests fired together, and what the server counted meanwhile. A profile
// may serve several bursts (BenchProfile): opening ten tabs and installing the worker costs about
// as much as a small burst, and every burst starts from its own login and its own expiry anyway.
//
// "Session still alive" is judged after the burst, with the server's counters already read: the
// runner asks GET /api/whoami with plain fetch from the first tab; if that is refused it makes one
// refresh itself and asks again. Alive = whoami answered 200 (with or without that refresh).
// A session revoked by reuse detection fails both, since the server refuses every token of it.

import type { Browser, BrowserContext, Page } from '@playwright/test';
import { DEFAULT_COOLDOWN_MS } from '../src/sw/config.ts';
import type { BenchServer, ServerStats } from './site.ts';
import { EVALUATE_TIMEOUT_MS, logIn, openTabs, withTimeout } from './tabs.ts';
import { percentile, round } from './statistics.ts';
import type { BrokerConfigName } from './broker-configs.ts';
import { type Variant, variantPagePath } from './strategies.ts';

export type SessionVerdict = 'alive' | 'alive-after-refresh' | 'dead';

export interface BurstShape {
  readonly tabs: number;
  readonly requestsPerTab: number;
}

export interface RunFigures {
  refreshRequests: number;
  reuseDetected: number;
  sessionsRevoked: number;
  /** 401 answers the server sent to /api/ requests: round trips that did no work. */
  api401: number;
  apiRequests: number;
  requestsSent: number;
  /** 2xx as the page's code saw them. */
  requestsSucceeded: number;
  /** How many requests the page saw end with each status (0: no answer). */
  statuses: Record<string, number>;
  session: SessionVerdict;
  /** From the first request sent by any tab to the last answer received by any tab. */
  burstMs: number;
  requestP50Ms: number;
  requestP90Ms: number;
}

interface BurstResult {
  firstSendEpochMs: number;
  lastAnswerEpochMs: number;
  results: { status: number; durationMs: number }[];
}

interface BenchWindow {
  benchBurst(n: number, startAtEpochMs: number): Promise<BurstResult>;
  benchCheckSession(): Promise<SessionVerdict>;
  benchLastRefreshEndedEpochMs(): number;
}

// Time for the runner to hand every tab its burst before the common start.
const START_MARGIN_MS = 150;
const START_MARGIN_PER_TAB_MS = 15;
// A broker takes a 401 within its cooldown after a refresh for "not an expiry", and makes no new
// refresh within it after a failed one (the bench pages use its default). Within one burst that never matters; between two bursts of one profile the
// runner waits it out, so that each expiry is measured as if it were the first.
const COOLDOWN_MARGIN_MS = 200;

export interface CellRunOptions {
  /** Which config the broker's tag names (the known-lifetime workload uses its own). */
  config?: BrokerConfigName;
  /**
   * Called once the tabs are logged in (the login started at `loginStartedEpochMs`); resets the
   * counters and returns the wall-clock time to fire at. Default: expire every token now, fire at once.
   */
  prepareExpiry?: (server: BenchServer, context: BrowserContext, loginStartedEpochMs: number) => Promise<number>;
}

/** T tabs of one variant's page in a profile of their own, ready for bursts. */
export class BenchProfile {
  readonly #context: BrowserContext;
  readonly #tabs: readonly Page[];
  /** How long opening the tabs took: a wait longer than this is better spent opening new ones. */
  readonly openedInMs: number;

  private constructor(context: BrowserContext, tabs: readonly Page[], openedInMs: number) {
    this.#context = context;
    this.#tabs = tabs;
    this.openedInMs = openedInMs;
  }

  static async open(browser: Browser, server: BenchServer, variant: Variant, tabCount: number,
    config?: BrokerConfigName): Promise<BenchProfile> {
    const startedMs = performance.now();
    const context = await browser.newContext();
    try {
      const url = new URL(variantPagePath(variant, config), server.url).href;
      const tabs = await openTabs(context, url, tabCount, { controlled: variant.broker, readyGlobal: 'benchBurst' });
      return new BenchProfile(context, tabs, performance.now() - startedMs);
    } catch (error) {
      await context.close();
      throw error;
    }
  }

  /** Logs in, lets the access token expire, fires R requests from every tab at once. */
  async burst(server: BenchServer, requestsPerTab: number, options: CellRunOptions = {}): Promise<RunFigures> {
    const [firstTab] = this.#tabs;
    if (!firstTab) throw new Error('a cell needs at least one tab');
    const cooldownLeftMs = await this.cooldownLeftMs();
    if (cooldownLeftMs > 0) await new Promise((resolve) => setTimeout(resolve, cooldownLeftMs));
    const loginStartedEpochMs = Date.now();
    await logIn(firstTab);

    let startAtEpochMs: number;
    if (options.prepareExpiry) {
      startAtEpochMs = await options.prepareExpiry(server, this.#context, loginStartedEpochMs);
    } else {
      await server.resetCounters();
      await server.expireAccessTokens();
      startAtEpochMs = Date.now() + START_MARGIN_MS + START_MARGIN_PER_TAB_MS * this.#tabs.length;
    }

    const bursts = await withTimeout(Promise.all(this.#tabs.map((tab) => tab.evaluate(
      ([n, startAt]) => (window as unknown as BenchWindow).benchBurst(n, startAt),
      [requestsPerTab, startAtEpochMs] as const,
    ))), EVALUATE_TIMEOUT_MS, 'the burst');
    const stats = await server.stats();
    const session = await withTimeout(
      firstTab.evaluate(() => (window as unknown as BenchWindow).benchCheckSession()), EVALUATE_TIMEOUT_MS, 'the session check');
    return figuresOf(bursts, stats, session);
  }

  close(): Promise<void> {
    return this.#context.close();
  }

  /** How long until the broker's cooldown after its last refresh, however it ended, is over (0 for a page without one). */
  async cooldownLeftMs(): Promise<number> {
    const [firstTab] = this.#tabs;
    const endedAtMs = await firstTab?.evaluate(() => (window as unknown as BenchWindow).benchLastRefreshEndedEpochMs()) ?? 0;
    return endedAtMs > 0 ? Math.max(0, endedAtMs + DEFAULT_COOLDOWN_MS + COOLDOWN_MARGIN_MS - Date.now()) : 0;
  }
}

/** One burst in a fresh profile. */
export async function runCell(browser: Browser, server: BenchServer, variant: Variant, shape: BurstShape,
  options: CellRunOptions = {}): Promise<RunFigures> {
  const profile = await BenchProfile.open(browser, server, variant, shape.tabs, options.config);
  try {
    return await profile.burst(server, shape.requestsPerTab, options);
  } finally {
    await profile.close();
  }
}

function figuresOf(bursts: BurstResult[], stats: ServerStats, session: SessionVerdict): RunFigures {
  const results = bursts.flatMap((burst) => burst.results);
  const durations = results.map((result) => result.durationMs);
  const firstSend = Math.min(...bursts.map((burst) => burst.firstSendEpochMs));
  const lastAnswer = Math.max(...bursts.map((burst) => burst.lastAnswerEpochMs));
  const statuses: Record<string, number> = {};
  for (const { status } of results) statuses[status] = (statuses[status] ?? 0) + 1;
  return {
    refreshRequests: stats.refreshRequests,
    reuseDetected: stats.reuseDetected,
    sessionsRevoked: stats.sessionsRevoked,
    api401: stats.api401,
    apiRequests: stats.apiRequests,
    requestsSent: results.length,
    requestsSucceeded: results.filter((result) => result.status >= 200 && result.status < 300).length,
    statuses,
    session,
    burstMs: round(lastAnswer - firstSend),
    requestP50Ms: round(percentile(durations, 0.5)),
    requestP90Ms: round(percentile(durations, 0.9)),
  };
}
