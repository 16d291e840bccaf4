// The matrix: every strategy with and without the broker, T tabs x R requests fired just after
// expiry, with refresh-token rotation (and reuse detection) on and off. Several runs per cell
// only where they matter most and the 10-minute budget allows; every figure is then the median.

import type { Browser } from '@playwright/test';
import { type BurstShape, type RunFigures, runCell } from './measure.ts';
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
}

export const FULL_PLAN: MatrixPlan = {
  tabCounts: TAB_COUNTS, requestsPerTab: REQUESTS_PER_TAB, headlineRuns: 3, headlineShapeRuns: 1, otherRuns: 1,
};
/** For working on the runner: the small shapes only, one run each. */
export const QUICK_PLAN: MatrixPlan = {
  tabCounts: [1, 3], requestsPerTab: [10, 50], headlineRuns: 1, headlineShapeRuns: 1, otherRuns: 1,
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
  for (const rotation of ROTATION_SETTINGS) {
    await server.control({ rotation, reuseDetection: rotation });
    for (const tabs of plan.tabCounts) {
      for (const requestsPerTab of plan.requestsPerTab) {
        const shape = { tabs, requestsPerTab };
        const runs = new Map<Variant, RunFigures[]>(VARIANTS.map((variant) => [variant, []]));
        const errors = new Map<Variant, string[]>(VARIANTS.map((variant) => [variant, []]));
        const rounds = Math.max(...VARIANTS.map((variant) => runsFor(plan, variant, rotation, shape)));
        // Round-robin over the variants, so that a slow spell of a shared machine hits them all alike.
        for (let round = 0; round < rounds; round += 1) {
          for (const variant of VARIANTS) {
            if (round >= runsFor(plan, variant, rotation, shape)) continue;
            try {
              runs.get(variant)?.push(await runCell(browser, server, variant, shape));
            } catch (error) {
              errors.get(variant)?.push(error instanceof Error ? error.message : String(error));
            }
          }
        }
        for (const variant of VARIANTS) {
          const cell = summarize(variant, rotation, shape, runs.get(variant) ?? [], errors.get(variant) ?? []);
          cells.push(cell);
          onCell(cell);
        }
      }
    }
  }
  return cells;
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
