// The bearer row: five tabs of the demo's oidc-client-ts app (silent renew in every tab, the user
// shared in localStorage) against the demo server's real oidc-provider (default rotation: a spent
// refresh token presented again revokes the grant), short access tokens, a fixed number of expiries,
// with the broker and without it (service workers blocked). Figures from the provider's counters
// (grants, revocations) and the pages' own tallies (API calls that succeeded).
//   tsx bench/bearer.ts [--quick]     (after npm run build)
// or runBearer(plan) from bench/run.ts.

import { launchChromium } from '../tests/e2e/engines/chromium.ts';
import {
  bearerStats, openLoggedInBearerTabs, setBearerAccessTtl, startApiCalls, stopApiCalls, tallyOf,
} from '../tests/e2e/bearer-tabs.ts';
import { startDemoServer } from '../src/server/start.ts';

export interface BearerPlan {
  readonly tabs: number;
  readonly accessTtlSeconds: number;
  readonly expiries: number;
  readonly runs: number;
  readonly apiIntervalMs: number;
}

export const FULL_BEARER_PLAN: BearerPlan = { tabs: 5, accessTtlSeconds: 6, expiries: 3, runs: 3, apiIntervalMs: 400 };
export const QUICK_BEARER_PLAN: BearerPlan = { ...FULL_BEARER_PLAN, runs: 1 };

export interface BearerRun {
  readonly broker: boolean;
  readonly refreshGrants: number;
  /** Refresh grants over the access token lifetimes that went by while the tabs ran. */
  readonly grantsPerExpiry: number;
  readonly refreshRefused: number;
  readonly reuseDetected: number;
  readonly grantsRevoked: number;
  readonly apiSent: number;
  readonly apiSucceeded: number;
  readonly apiSuccessPercent: number;
  readonly silentRenewErrors: number;
}

export interface BearerResult {
  readonly plan: BearerPlan;
  readonly runs: BearerRun[];
  /** Runs that could not be measured (e.g. a broker build that refuses the bearer config), with why. */
  readonly failures: string[];
}

/** Runs the plan, alternating without and with the broker, each run on a fresh server and profile. */
export async function runBearer(plan: BearerPlan, onRun: (run: BearerRun) => void = () => undefined): Promise<BearerResult> {
  const engine = await launchChromium();
  const runs: BearerRun[] = [];
  const failures: string[] = [];
  try {
    for (let index = 0; index < plan.runs; index += 1) {
      for (const broker of [false, true]) {
        try {
          const run = await measureOnce(engine, plan, broker);
          runs.push(run);
          onRun(run);
        } catch (error) {
          failures.push(`${broker ? 'broker' : 'no broker'}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  } finally {
    await engine.close();
  }
  return { plan, runs, failures };
}

async function measureOnce(engine: Awaited<ReturnType<typeof launchChromium>>, plan: BearerPlan, broker: boolean): Promise<BearerRun> {
  const server = await startDemoServer({ port: 0, bearerAccessTtlSeconds: plan.accessTtlSeconds });
  const profile = await engine.newProfile({ serviceWorkers: broker });
  try {
    await setBearerAccessTtl(server, plan.accessTtlSeconds);
    const tabs = await openLoggedInBearerTabs(profile, server, plan.tabs, broker);
    // The counters started at the login, a little before this: expiries are counted from here.
    const measuredFromMs = Date.now();
    for (const tab of tabs) await startApiCalls(tab, plan.apiIntervalMs);
    // A fixed time for both: without the broker the grant may be revoked and refreshes stop.
    await sleep((plan.expiries * plan.accessTtlSeconds + 1) * 1000);
    for (const tab of tabs) await stopApiCalls(tab);
    const expiries = (Date.now() - measuredFromMs) / 1000 / plan.accessTtlSeconds;
    await sleep(1500);
    const tallies = await Promise.all(tabs.map(tallyOf));
    const { oidc } = await bearerStats(server);
    const apiSent = tallies.reduce((sum, t) => sum + t.api.sent, 0);
    const apiSucceeded = tallies.reduce((sum, t) => sum + t.api.succeeded, 0);
    return {
      broker,
      refreshGrants: oidc.refreshGrants,
      grantsPerExpiry: round(oidc.refreshGrants / expiries),
      refreshRefused: oidc.refreshFailed,
      reuseDetected: oidc.reuseDetected,
      grantsRevoked: oidc.grantsRevoked,
      apiSent,
      apiSucceeded,
      apiSuccessPercent: round((100 * apiSucceeded) / Math.max(apiSent, 1)),
      silentRenewErrors: tallies.reduce((sum, t) => sum + t.renew.errors, 0),
    };
  } finally {
    await profile.close();
    await server.close();
  }
}

export function describeBearerRun(run: BearerRun): string {
  return `${run.broker ? 'broker   ' : 'no broker'}  refresh grants per expiry ${run.grantsPerExpiry}, refused ${run.refreshRefused}, `
    + `grants revoked ${run.grantsRevoked}, API ${run.apiSucceeded}/${run.apiSent} (${run.apiSuccessPercent}%), silent renew errors ${run.silentRenewErrors}`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const plan = process.argv.includes('--quick') ? QUICK_BEARER_PLAN : FULL_BEARER_PLAN;
  console.log(`bearer: ${plan.tabs} tabs of oidc-client-ts, ${plan.accessTtlSeconds} s access tokens, ${plan.expiries} expiries, ${plan.runs} run(s) each`);
  runBearer(plan, (run) => console.log(describeBearerRun(run))).then((result) => {
    for (const failure of result.failures) console.log(`not measured: ${failure}`);
  }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack ?? error.message : error);
    process.exitCode = 1;
  });
}
