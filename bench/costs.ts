// What the broker costs, figure by figure, each measured side by side with a pass-through worker
// (twice: the noise floor) and with no worker at all (bench/side-by-side.ts):
//   - a page load with 30 static assets (Chromium and Firefox);
//   - a navigation while the worker is stopped (Chromium: only DevTools can stop a worker);
//   - an API request, sequential and 20 in parallel;
//   - the first API request after the browser stopped the worker (cold start);
//   - an API request while 16 long-polls are open across two tabs, on an HTTP/2 origin.
// Both engines are driven through the scenario files' engine layer (tests/e2e/engines), so that a
// figure means the same in each.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine, Profile, Tab } from '../tests/e2e/engines/engine.ts';
import { launchChromium } from '../tests/e2e/engines/chromium.ts';
import { findFirefox, launchFirefox } from '../tests/e2e/engines/firefox.ts';
import { startHttp2Origin, type Http2Origin } from '../tests/e2e/http2-origin.ts';
import { alternate, type SideBySide, sideBySide, type Setup } from './side-by-side.ts';
import { benchSiteFiles, DEFAULT_ACCESS_TTL_SECONDS } from './site.ts';

export interface CostPlan {
  readonly pageLoadRounds: number;
  readonly stoppedNavigationRounds: number;
  readonly apiRounds: number;
  readonly apiSequentialPerRound: number;
  readonly apiParallelBatch: number;
  readonly coldStartRounds: number;
  readonly longPollRounds: number;
}

// Sized for under 10 minutes on this shared 2-core machine at a load average of 30 to 50 (2026-12-01),
// where one page load with 30 assets took 4 s: more rounds would resolve more, and take longer.
export const FULL_COST_PLAN: CostPlan = {
  pageLoadRounds: 8, stoppedNavigationRounds: 6, apiRounds: 15, apiSequentialPerRound: 20, apiParallelBatch: 20,
  coldStartRounds: 8, longPollRounds: 2,
};
export const QUICK_COST_PLAN: CostPlan = {
  pageLoadRounds: 4, stoppedNavigationRounds: 3, apiRounds: 6, apiSequentialPerRound: 10, apiParallelBatch: 20,
  coldStartRounds: 3, longPollRounds: 1,
};

export const LONG_POLLS = 16;
export const LONG_POLL_MS = 2_000;

export interface CostResults {
  readonly plan: CostPlan;
  readonly pageLoad: Partial<Record<'chromium' | 'firefox', SideBySide>>;
  readonly stoppedNavigation?: SideBySide;
  readonly apiSequential?: SideBySide;
  readonly apiParallel?: SideBySide;
  readonly coldStart?: SideBySide;
  readonly duringLongPolls?: SideBySide;
  /** Why a figure is missing, by figure. */
  readonly notMeasured: Record<string, string>;
}

const PAGES: Record<Setup, string> = {
  'no worker': 'bench/load-plain.html',
  'pass-through worker': 'bench/load-passthrough.html',
  'pass-through worker, again': 'bench/load-passthrough.html',
  broker: 'bench/load-broker.html',
};

export interface SetupTab {
  readonly profile: Profile;
  readonly tabs: Tab[];
  readonly url: string;
}

export interface OverheadWindow {
  benchSequential(n: number): Promise<number[]>;
  benchParallel(batches: number, size: number): Promise<number[]>;
}

function openSetup(engine: Engine, origin: string, setup: Setup, tabCount = 1): Promise<SetupTab> {
  return openBenchPage(engine, new URL(PAGES[setup], origin).href, setup !== 'no worker', tabCount);
}

/** A profile of its own with `tabCount` tabs on `url` (controlled by its worker, if `controlled`), logged in and warm. */
export async function openBenchPage(engine: Engine, url: string, controlled: boolean, tabCount = 1): Promise<SetupTab> {
  const profile = await engine.newProfile({ serviceWorkers: controlled });
  const tabs: Tab[] = [];
  for (let i = 0; i < tabCount; i += 1) {
    const tab = await profile.openTab(url);
    if (controlled) await tab.waitForFunction(() => !!navigator.serviceWorker.controller);
    tabs.push(tab);
  }
  const status = await tabs[0]!.evaluate(async () => (await fetch('/login', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench' }),
  })).status);
  if (status !== 200) throw new Error(`login answered ${status}`);
  // Warm: the worker installed and running, the connection open, the assets served once.
  await tabs[0]!.evaluate((n: number) => (window as unknown as OverheadWindow).benchSequential(n), 10);
  return { profile, tabs, url };
}

async function withSetups<T>(engine: Engine, origin: string, setups: readonly Setup[], tabCount: number,
  work: (opened: Map<Setup, SetupTab>) => Promise<T>): Promise<T> {
  const opened = new Map<Setup, SetupTab>();
  try {
    for (const setup of setups) opened.set(setup, await openSetup(engine, origin, setup, tabCount));
    return await work(opened);
  } finally {
    for (const { profile } of opened.values()) await profile.close().catch(() => undefined);
  }
}

/** From the navigation's start to its load event, all 30 assets loaded. */
async function loadPage(tab: Tab, url: string): Promise<number> {
  await tab.goto(url);
  return tab.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventStart);
}

function samplersOf(opened: Map<Setup, SetupTab>, sample: (entry: SetupTab) => Promise<number[]>) {
  return Object.fromEntries([...opened].map(([setup, entry]) => [setup, () => sample(entry)])) as
    Partial<Record<Setup, () => Promise<number[]>>>;
}

const ALL: readonly Setup[] = ['no worker', 'pass-through worker', 'pass-through worker, again', 'broker'];

export async function runCosts(originUrl: string, plan: CostPlan, log: (line: string) => void): Promise<CostResults> {
  const pageLoad: CostResults['pageLoad'] = {};
  const notMeasured: Record<string, string> = {};
  let stoppedNavigation: SideBySide | undefined;
  let apiSequential: SideBySide | undefined;
  let apiParallel: SideBySide | undefined;
  let coldStart: SideBySide | undefined;
  let duringLongPolls: SideBySide | undefined;

  const chromium = await launchChromium();
  try {
    log('page load, 30 assets (chromium)...');
    pageLoad.chromium = await withSetups(chromium, originUrl, ALL, 1, async (opened) => sideBySide(
      await alternate(samplersOf(opened, async ({ tabs, url }) => [await loadPage(tabs[0]!, url)]), plan.pageLoadRounds)));
    log(summaryOf(pageLoad.chromium));

    log('API requests, sequential and parallel (chromium)...');
    await withSetups(chromium, originUrl, ALL, 1, async (opened) => {
      apiSequential = sideBySide(await alternate(samplersOf(opened, ({ tabs }) => tabs[0]!.evaluate(
        (n: number) => (window as unknown as OverheadWindow).benchSequential(n), plan.apiSequentialPerRound)), plan.apiRounds));
      apiParallel = sideBySide(await alternate(samplersOf(opened, ({ tabs }) => tabs[0]!.evaluate(
        (size: number) => (window as unknown as OverheadWindow).benchParallel(1, size), plan.apiParallelBatch)), plan.apiRounds));
    });
    log(`sequential: ${summaryOf(apiSequential)}; parallel: ${summaryOf(apiParallel)}`);

    log('navigation and first API request with the worker stopped (chromium)...');
    await withSetups(chromium, originUrl, ALL, 1, async (opened) => {
      const stop = async (entry: SetupTab) => {
        if (entry.profile.devtools) await entry.profile.devtools.stopServiceWorkers(entry.tabs[0]!);
      };
      stoppedNavigation = sideBySide(await alternate(samplersOf(opened, async (entry) => {
        await stop(entry);
        return [await loadPage(entry.tabs[0]!, entry.url)];
      }), plan.stoppedNavigationRounds));
      coldStart = sideBySide(await alternate(samplersOf(opened, async (entry) => {
        await stop(entry);
        return entry.tabs[0]!.evaluate(() => (window as unknown as OverheadWindow).benchSequential(1));
      }), plan.coldStartRounds));
    });
    log(`navigation: ${summaryOf(stoppedNavigation)}; first API request: ${summaryOf(coldStart)}`);

    log(`an API request while ${LONG_POLLS} long-polls are open, HTTP/2 (chromium)...`);
    duringLongPolls = await measureDuringLongPolls(chromium, plan.longPollRounds);
    log(summaryOf(duringLongPolls));
  } finally {
    await chromium.close();
  }

  if (findFirefox()) {
    const firefox = await launchFirefox();
    try {
      log('page load, 30 assets (firefox)...');
      pageLoad.firefox = await withSetups(firefox, originUrl, ALL, 1, async (opened) => sideBySide(
        await alternate(samplersOf(opened, async ({ tabs, url }) => [await loadPage(tabs[0]!, url)]), plan.pageLoadRounds)));
      log(summaryOf(pageLoad.firefox));
    } finally {
      await firefox.close();
    }
  } else {
    notMeasured['page load (firefox)'] = 'Firefox is not installed';
  }
  notMeasured['navigation and cold start with the worker stopped (firefox)'] = 'WebDriver BiDi has no command that stops a service worker';

  return {
    plan, pageLoad, notMeasured,
    ...(stoppedNavigation ? { stoppedNavigation } : {}),
    ...(apiSequential ? { apiSequential } : {}),
    ...(apiParallel ? { apiParallel } : {}),
    ...(coldStart ? { coldStart } : {}),
    ...(duringLongPolls ? { duringLongPolls } : {}),
  };
}

/** p50 / p95 of each setup, as a line for the progress log (a run cut short still says what it measured). */
function summaryOf(figure: SideBySide | undefined): string {
  if (!figure) return 'not measured';
  return Object.entries(figure.rows).map(([setup, spread]) => `${setup} ${spread.p50Ms} / ${spread.p95Ms} ms`).join(', ');
}

/** One API request's time while 16 long-polls (8 from each of two tabs) are open, on an HTTP/2 origin. */
async function measureDuringLongPolls(engine: Engine, rounds: number): Promise<SideBySide> {
  const benchDir = import.meta.dirname;
  const origin: Http2Origin = await startHttp2Origin({
    ...benchSiteFiles(),
    'bench/pages/overhead.js': readFileSync(join(benchDir, 'pages/overhead.js'), 'utf8'),
    'bench/passthrough-sw.js': readFileSync(join(benchDir, 'passthrough-sw.js'), 'utf8'),
  }, { accessTtlSeconds: DEFAULT_ACCESS_TTL_SECONDS });
  let pollSeries = 0;
  try {
    return await withSetups(engine, origin.url, ALL, 2, async (opened) => sideBySide(await alternate(samplersOf(opened, async ({ tabs }) => {
      pollSeries += 1;
      const before = await slowArrivals(origin);
      const perTab = LONG_POLLS / tabs.length;
      await Promise.all(tabs.map((tab, index) => tab.evaluate(([count, ms, tag]: [number, number, string]) => {
        // Unique URLs: Chromium's HTTP cache lets only one of several identical GETs go at a time.
        (window as unknown as { benchPolls: Promise<unknown>[] }).benchPolls = Array.from({ length: count }, (_, i) =>
          fetch(`/api/slow?ms=${ms}&poll=${tag}-${i}`).catch(() => undefined));
      }, [perTab, LONG_POLL_MS, `${pollSeries}-${index}`] as [number, number, string])));
      await untilSlowArrivals(origin, before + LONG_POLLS);
      const [duration] = await tabs[1]!.evaluate(() => (window as unknown as OverheadWindow).benchSequential(1));
      await Promise.all(tabs.map((tab) => tab.evaluate(() => Promise.all((window as unknown as { benchPolls: Promise<unknown>[] }).benchPolls))));
      return [duration ?? Number.NaN];
    }), rounds)));
  } finally {
    await origin.close();
  }
}

async function slowArrivals(origin: Http2Origin): Promise<number> {
  return (await origin.events()).filter((event) => event.kind === 'api' && event.path === '/api/slow').length;
}

async function untilSlowArrivals(origin: Http2Origin, wanted: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (await slowArrivals(origin) < wanted) {
    if (Date.now() > deadline) throw new Error(`the server did not see ${wanted} long-polls`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
