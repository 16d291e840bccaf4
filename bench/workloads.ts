// The matrix: every strategy with and without the broker, T tabs x R requests fired just after
// expiry, with refresh-token rotation (and reuse detection) on and off. Several runs per cell
// only where they matter most and the 10-minute budget allows; every figure is then the median.
// Each variant's T tabs stay open for all its bursts at that T (one profile), largest R first.

import type { Browser } from '@playwright/test';
import { BenchProfile, type BurstShape, type RunFigures } from './measure.ts';
import type { BenchServer } from './site.ts';
import { median } from './statistics.ts';
import { VARIANTS, type Variant, variantName } from './strategies.ts';

export const TAB_COUNTS = [1, 3, 10] as const;
export const REQUESTS_PER_TAB = [10, 50, 200] as const;
export const ROTATION_SETTINGS = [true, false] as const;
/** The headline shape: the largest burst. */
export const HEADLINE_SHAPE: BurstShape = { tabs: 10, requestsPerTab: 200 };

export interface MatrixPlan {
  readonly tabCounts: readonly number[];
  readonly requestsPerTab: readonly number[];
  /** Runs of the headline cells (the broker variants at the headline shape, rotation on). */
  readonly headlineRuns: number;
  /** Runs of every other cell at the headline shape. */
  readonly headlineShapeRuns: number;
  readonly otherRuns: number;
  /** Refresh-token rotation (with reuse detection) on, off, or both. */
  readonly rotationSettings: readonly boolean[];
}

// The full plan is the one expiry of the README's chart: the largest burst, rotation on. With the
// cost figures the run must stay under 10 minutes on a shared 2-core machine (load average 25 to
// 37 on 2026-12-01, when the smaller shapes alone took 7 minutes); every shape and rotation off
// showed the same (1 refresh, every request succeeding with the broker) in every earlier run, and
// `--matrix` measures them all (RESULTS.md of 2026-11-27 has them).
export const FULL_PLAN: MatrixPlan = {
  tabCounts: [HEADLINE_SHAPE.tabs], requestsPerTab: [HEADLINE_SHAPE.requestsPerTab], headlineRuns: 2, headlineShapeRuns: 1, otherRuns: 1,
  rotationSettings: [true],
};
/** Every shape, rotation on and off: `tsx bench/run.ts --matrix`. */
export const WHOLE_MATRIX_PLAN: MatrixPlan = {
  tabCounts: TAB_COUNTS, requestsPerTab: REQUESTS_PER_TAB, headlineRuns: 3, headlineShapeRuns: 1, otherRuns: 1,
  rotationSettings: ROTATION_SETTINGS,
};
/** For working on the runner: the small shapes only, one run each. */
export const QUICK_PLAN: MatrixPlan = {
  tabCounts: [1, 3], requestsPerTab: [10, 50], headlineRuns: 1, headlineShapeRuns: 1, otherRuns: 1, rotationSettings: [true],
};

export interface CellKey {
  readonly variant: string;
  readonly strategy: string;
  readonly broker: boolean;
  readonly rotation: boolean;
  readonly tabs: number;
  readonly requestsPerTab: number;
}

/** A cell's figures: each one the median over its runs; `runs` keeps every run. */
export interface CellResult extends CellKey {
  readonly median: Omit<RunFigures, 'session' | 'statuses'> & { sessionsAlive: number };
  readonly runs: readonly RunFigures[];
  /** Runs that threw (a timeout, a page that never became ready): said, never hidden. */
  readonly errors: readonly string[];
}

export function isHeadline(cell: Pick<CellKey, 'broker' | 'rotation' | 'tabs' | 'requestsPerTab'>): boolean {
  return cell.broker && cell.rotation && cell.tabs === HEADLINE_SHAPE.tabs && cell.requestsPerTab === HEADLINE_SHAPE.requestsPerTab;
}

function runsFor(plan: MatrixPlan, variant: Variant, rotation: boolean, shape: BurstShape): number {
  const key = { broker: variant.broker, rotation, ...shape };
  if (isHeadline(key)) return plan.headlineRuns;
  const headlineShape = shape.tabs === HEADLINE_SHAPE.tabs && shape.requestsPerTab === HEADLINE_SHAPE.requestsPerTab;
  return headlineShape ? plan.headlineShapeRuns : plan.otherRuns;
}

export async function runMatrix(browser: Browser, server: BenchServer, plan: MatrixPlan,
  onCell: (cell: CellResult) => void): Promise<CellResult[]> {
  const cells: CellResult[] = [];
  for (const rotation of plan.rotationSettings) {
    await server.control({ rotation, reuseDetection: rotation });
    for (const tabs of plan.tabCounts) {
      const runs = new Map<string, RunFigures[]>();
      const errors = new Map<string, string[]>();
      for (const variant of VARIANTS) {
        await runVariantAt(browser, server, plan, variant, rotation, tabs, runs, errors);
      }
      // Reported shape by shape, as the tables read.
      for (const requestsPerTab of plan.requestsPerTab) {
        for (const variant of VARIANTS) {
          const key = cellKey(variant, requestsPerTab);
          const cell = summarize(variant, rotation, { tabs, requestsPerTab }, runs.get(key) ?? [], errors.get(key) ?? []);
          cells.push(cell);
          onCell(cell);
        }
      }
    }
  }
  return cells;
}

function cellKey(variant: Variant, requestsPerTab: number): string {
  return `${variantName(variant)}/${requestsPerTab}`;
}

/**
 * Every burst of one variant at one tab count, in one profile where that saves time: a new one
 * when the old one would first have to wait out the broker's cooldown for longer than opening
 * takes, or when a burst failed.
 */
async function runVariantAt(browser: Browser, server: BenchServer, plan: MatrixPlan, variant: Variant, rotation: boolean,
  tabs: number, runs: Map<string, RunFigures[]>, errors: Map<string, string[]>): Promise<void> {
  let profile: BenchProfile | undefined;
  const closeProfile = async () => {
    // A profile that will not close must not cost the cells already measured.
    await profile?.close().catch(() => undefined);
    profile = undefined;
  };
  try {
    // Largest first: a long burst ends well past the broker's cooldown, so the next one need not wait.
    for (const requestsPerTab of [...plan.requestsPerTab].sort((a, b) => b - a)) {
      const key = cellKey(variant, requestsPerTab);
      for (let run = 0; run < runsFor(plan, variant, rotation, { tabs, requestsPerTab }); run += 1) {
        if (profile && (await profile.cooldownLeftMs().catch(() => Number.POSITIVE_INFINITY)) > profile.openedInMs) {
          await closeProfile();
        }
        try {
          profile ??= await BenchProfile.open(browser, server, variant, tabs);
          const figures = await profile.burst(server, requestsPerTab);
          runs.set(key, [...(runs.get(key) ?? []), figures]);
        } catch (error) {
          errors.set(key, [...(errors.get(key) ?? []), error instanceof Error ? error.message : String(error)]);
          await closeProfile();
        }
      }
    }
  } finally {
    await closeProfile();
  }
}

export function summarize(variant: Variant, rotation: boolean, shape: BurstShape, runs: RunFigures[], errors: string[]): CellResult {
  const of = (pick: (run: RunFigures) => number) => median(runs.map(pick));
  return {
    variant: variantName(variant),
    strategy: variant.strategy.id,
    broker: variant.broker,
    rotation,
    tabs: shape.tabs,
    requestsPerTab: shape.requestsPerTab,
    median: {
      refreshRequests: of((run) => run.refreshRequests),
      reuseDetected: of((run) => run.reuseDetected),
      sessionsRevoked: of((run) => run.sessionsRevoked),
      api401: of((run) => run.api401),
      apiRequests: of((run) => run.apiRequests),
      requestsSent: of((run) => run.requestsSent),
      requestsSucceeded: of((run) => run.requestsSucceeded),
      burstMs: of((run) => run.burstMs),
      requestP50Ms: of((run) => run.requestP50Ms),
      requestP90Ms: of((run) => run.requestP90Ms),
      sessionsAlive: runs.filter((run) => run.session !== 'dead').length,
    },
    runs,
    errors,
  };
}
