// Item 5: when the worker can know the access token's lifetime (here a csrf_access_token cookie
// whose Max-Age is the token's lifetime: a flask app that passes max_age to set_access_cookies;
// flask's own JWT_SESSION_COOKIE=False gives one year instead), does anything still pay a 401 round trip at
// expiry? Short-lived tokens; the burst is fired just before they die, so it straddles the expiry,
// as an app's requests would. No /__demo/expire here: the tokens age on their own.
// It runs against whatever the built broker does: a config the broker refuses (a key it does not
// know yet) is recorded as refused and its row left out.

import type { Browser, BrowserContext } from '@playwright/test';
import { type BrokerConfigName, PROACTIVE_REFRESH_AHEAD_MS } from './broker-configs.ts';
import { type BurstShape, runCell, type RunFigures } from './measure.ts';
import { type BenchServer, DEFAULT_ACCESS_TTL_SECONDS } from './site.ts';
import { STRATEGIES, type Variant, variantPagePath } from './strategies.ts';
import { openTab } from './tabs.ts';
import { type CellResult, summarize } from './workloads.ts';

export const PROACTIVE_ACCESS_TTL_SECONDS = 4;
/** Fire this long before the expiry, so that the burst is in flight when the tokens die: short
 * enough that even the fastest page (no worker: 150 requests in about 150 ms) is still sending. */
const FIRE_BEFORE_EXPIRY_MS = 50;
const PROBE_TIMEOUT_MS = 8_000;

export interface ProactivePlan {
  readonly shape: BurstShape;
  readonly runs: number;
}
export const FULL_PROACTIVE_PLAN: ProactivePlan = { shape: { tabs: 3, requestsPerTab: 50 }, runs: 3 };
export const QUICK_PROACTIVE_PLAN: ProactivePlan = { shape: { tabs: 3, requestsPerTab: 50 }, runs: 1 };

export interface ProactiveResult {
  readonly plan: ProactivePlan;
  readonly accessTtlSeconds: number;
  readonly refreshAheadMs: number;
  /** The server gave the cookies the tokens' lifetimes as Max-Age (its cookieMaxAge option exists). */
  readonly cookieExpiryKnown: boolean;
  /** Broker configs this broker build refused to install with (unknown keys): not measured. */
  readonly refusedConfigs: BrokerConfigName[];
  readonly cells: CellResult[];
}

interface Entry {
  readonly name: string;
  readonly variant: Variant;
  readonly config?: BrokerConfigName;
}

function strategy(id: string) {
  const found = STRATEGIES.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no strategy ${id}`);
  return found;
}

const ENTRIES: readonly Entry[] = [
  // What many apps have: the reference.
  { name: 'auth-refresh, no broker', variant: { strategy: strategy('auth-refresh'), broker: false } },
  { name: 'none+broker, reactive config', variant: { strategy: strategy('none'), broker: true }, config: 'reactive' },
  { name: 'none+broker, proactive config', variant: { strategy: strategy('none'), broker: true }, config: 'proactive' },
];

export async function runProactive(browser: Browser, server: BenchServer, plan: ProactivePlan): Promise<ProactiveResult> {
  const cookieExpiryKnown = await server.tryControl({ cookieMaxAge: 'token-lifetime' });
  await server.control({ accessTtlSeconds: PROACTIVE_ACCESS_TTL_SECONDS, rotation: true, reuseDetection: true });
  try {
    const refusedConfigs: BrokerConfigName[] = [];
    for (const config of new Set(ENTRIES.flatMap((entry) => (entry.config ? [entry.config] : [])))) {
      if (!(await brokerInstallsWith(browser, server, config))) refusedConfigs.push(config);
    }
    const entries = ENTRIES.filter((entry) => !entry.config || !refusedConfigs.includes(entry.config));
    const runs = new Map<string, RunFigures[]>(entries.map((entry) => [entry.name, []]));
    const errors = new Map<string, string[]>(entries.map((entry) => [entry.name, []]));
    for (let round = 0; round < plan.runs; round += 1) {
      for (const entry of entries) {
        try {
          runs.get(entry.name)?.push(await runCell(browser, server, entry.variant, plan.shape,
            { ...(entry.config ? { config: entry.config } : {}), prepareExpiry: fireJustBeforeExpiry }));
        } catch (error) {
          errors.get(entry.name)?.push(error instanceof Error ? error.message : String(error));
        }
      }
    }
    const cells = entries.map((entry) => ({
      ...summarize(entry.variant, true, plan.shape, runs.get(entry.name) ?? [], errors.get(entry.name) ?? []),
      variant: entry.name,
    }));
    return {
      plan, accessTtlSeconds: PROACTIVE_ACCESS_TTL_SECONDS, refreshAheadMs: PROACTIVE_REFRESH_AHEAD_MS,
      cookieExpiryKnown, refusedConfigs, cells,
    };
  } finally {
    await server.control({ accessTtlSeconds: DEFAULT_ACCESS_TTL_SECONDS });
    if (cookieExpiryKnown) await server.control({ cookieMaxAge: 'flask-default' });
  }
}

/** A broker that does not know a config key refuses to install: then no tab is ever controlled. */
async function brokerInstallsWith(browser: Browser, server: BenchServer, config: BrokerConfigName): Promise<boolean> {
  const context = await browser.newContext();
  try {
    const url = new URL(variantPagePath({ strategy: strategy('none'), broker: true }, config), server.url).href;
    await openTab(context, url, { controlled: true, readyGlobal: 'benchBurst', readyTimeoutMs: PROBE_TIMEOUT_MS });
    return true;
  } catch {
    return false;
  } finally {
    await context.close();
  }
}

/**
 * The credentials die at the earlier of the cookie's expiry (when it has one) and the JWT's `exp`
 * (the demo server sets it to ceil(issue time + TTL), so no earlier than the bound computed from the
 * login's start). Token values are never read.
 */
async function fireJustBeforeExpiry(server: BenchServer, context: BrowserContext, loginStartedEpochMs: number): Promise<number> {
  await server.resetCounters();
  const jwtExpiryEpochMs = Math.ceil(loginStartedEpochMs / 1000 + PROACTIVE_ACCESS_TTL_SECONDS) * 1000;
  const csrfCookie = (await context.cookies()).find((cookie) => cookie.name === 'csrf_access_token');
  const cookieExpiryEpochMs = csrfCookie && csrfCookie.expires > 0 ? csrfCookie.expires * 1000 : Number.POSITIVE_INFINITY;
  return Math.min(jwtExpiryEpochMs, cookieExpiryEpochMs) - FIRE_BEFORE_EXPIRY_MS;
}
