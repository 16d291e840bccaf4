// What the broker costs when nothing expires: the same page and the same GET /api/items with no
// worker, with a worker that only does respondWith(fetch(request)), and with the broker.
// They run in alternating rounds in one browser, so that the shared machine's slow spells fall on
// all of them; only ratios measured side by side are worth reading. The pass-through worker runs
// twice, in two profiles: the broker is compared with both together, and the two compared with
// each other say how small a difference this machine can resolve.

import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { BenchServer } from './site.ts';
import { percentile, round } from './statistics.ts';
import { EVALUATE_TIMEOUT_MS, logIn, openTab, withTimeout } from './tabs.ts';

export type WorkerSetup = 'no worker' | 'pass-through worker' | 'pass-through worker, again' | 'broker';
export type RequestPattern = 'sequential' | 'parallel';

export interface OverheadPlan {
  readonly rounds: number;
  readonly sequentialRequests: number;
  readonly parallelBatches: number;
  readonly parallelBatchSize: number;
  readonly warmUpRequests: number;
}

// Many short rounds rather than a few long ones: a slow spell then falls on every setup.
export const FULL_OVERHEAD_PLAN: OverheadPlan = {
  rounds: 8, sequentialRequests: 100, parallelBatches: 10, parallelBatchSize: 20, warmUpRequests: 30,
};
export const QUICK_OVERHEAD_PLAN: OverheadPlan = {
  rounds: 2, sequentialRequests: 50, parallelBatches: 5, parallelBatchSize: 20, warmUpRequests: 10,
};

export interface Percentiles {
  readonly requests: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
}

export interface OverheadResult {
  readonly plan: OverheadPlan;
  readonly setups: Record<RequestPattern, Record<WorkerSetup, Percentiles>>;
  readonly ratios: Record<RequestPattern, OverheadRatios>;
}

interface Ratio {
  readonly p50: number;
  readonly p90: number;
}

export interface OverheadRatios {
  /** The broker over both pass-through profiles' requests together. */
  readonly brokerOverPassThrough: Ratio;
  /** The second pass-through profile over the first: what an overhead of zero looks like here. */
  readonly passThroughAgainOverPassThrough: Ratio;
  readonly passThroughOverNone: Ratio;
}

interface OverheadWindow {
  benchSequential(n: number): Promise<number[]>;
  benchParallel(batches: number, size: number): Promise<number[]>;
}

const SETUPS: readonly { setup: WorkerSetup; page: string; controlled: boolean }[] = [
  { setup: 'no worker', page: 'bench/overhead-plain.html', controlled: false },
  { setup: 'pass-through worker', page: 'bench/overhead-passthrough.html', controlled: true },
  { setup: 'pass-through worker, again', page: 'bench/overhead-passthrough.html', controlled: true },
  { setup: 'broker', page: 'bench/overhead-broker.html', controlled: true },
];
const PATTERNS: readonly RequestPattern[] = ['sequential', 'parallel'];

function measure(page: Page, pattern: RequestPattern, plan: OverheadPlan): Promise<number[]> {
  const work = pattern === 'sequential'
    ? page.evaluate((n) => (window as unknown as OverheadWindow).benchSequential(n), plan.sequentialRequests)
    : page.evaluate(([batches, size]) => (window as unknown as OverheadWindow).benchParallel(batches, size),
      [plan.parallelBatches, plan.parallelBatchSize] as const);
  return withTimeout(work, EVALUATE_TIMEOUT_MS, `the ${pattern} overhead round`);
}

export async function runOverhead(browser: Browser, server: BenchServer, plan: OverheadPlan): Promise<OverheadResult> {
  const contexts: BrowserContext[] = [];
  try {
    const pages = new Map<WorkerSetup, Page>();
    for (const { setup, page, controlled } of SETUPS) {
      // No worker: the same kind of page in a profile where workers are blocked.
      const context = await browser.newContext(controlled ? {} : { serviceWorkers: 'block' });
      contexts.push(context);
      const tab = await openTab(context, new URL(page, server.url).href, { controlled, readyGlobal: 'benchOverheadReady' });
      await logIn(tab);
      await tab.evaluate((n) => (window as unknown as OverheadWindow).benchSequential(n), plan.warmUpRequests);
      pages.set(setup, tab);
    }

    const durations = new Map<string, number[]>();
    for (let roundIndex = 0; roundIndex < plan.rounds; roundIndex += 1) {
      for (const pattern of PATTERNS) {
        // A different setup goes first each round: none of them always runs on a cold or a warm machine.
        const order = SETUPS.map((_, index) => SETUPS[(index + roundIndex) % SETUPS.length]);
        for (const entry of order) {
          const page = entry && pages.get(entry.setup);
          if (!entry || !page) continue;
          const key = `${pattern}/${entry.setup}`;
          durations.set(key, [...(durations.get(key) ?? []), ...(await measure(page, pattern, plan))]);
        }
      }
    }
    return summarize(plan, durations);
  } finally {
    for (const context of contexts) await context.close();
  }
}

function summarize(plan: OverheadPlan, durations: Map<string, number[]>): OverheadResult {
  const setups = {} as Record<RequestPattern, Record<WorkerSetup, Percentiles>>;
  const ratios = {} as Record<RequestPattern, OverheadRatios>;
  for (const pattern of PATTERNS) {
    const valuesOf = (setup: WorkerSetup) => durations.get(`${pattern}/${setup}`) ?? [];
    const passThroughBoth = percentiles([...valuesOf('pass-through worker'), ...valuesOf('pass-through worker, again')]);
    const of = (setup: WorkerSetup) => percentiles(valuesOf(setup));
    setups[pattern] = {
      'no worker': of('no worker'),
      'pass-through worker': of('pass-through worker'),
      'pass-through worker, again': of('pass-through worker, again'),
      broker: of('broker'),
    };
    const { 'no worker': none, 'pass-through worker': passThrough, 'pass-through worker, again': again, broker } = setups[pattern];
    ratios[pattern] = {
      brokerOverPassThrough: ratioOf(broker, passThroughBoth),
      passThroughAgainOverPassThrough: ratioOf(again, passThrough),
      passThroughOverNone: ratioOf(passThroughBoth, none),
    };
  }
  return { plan, setups, ratios };
}

function percentiles(values: number[]): Percentiles {
  return { requests: values.length, p50Ms: round(percentile(values, 0.5), 2), p90Ms: round(percentile(values, 0.9), 2) };
}

function ratioOf(over: Percentiles, under: Percentiles): Ratio {
  return { p50: round(over.p50Ms / under.p50Ms, 3), p90: round(over.p90Ms / under.p90Ms, 3) };
}
