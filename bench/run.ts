// npm run bench: what the broker saves and what it costs, measured side by side in one run.
//   1. the matrix: 4 strategies x broker off/on x T tabs x R requests x rotation on/off, one expiry each;
//   2. what it costs (costs.ts): page load, navigation with the worker stopped, API requests, cold
//      start, a request during long-polls: broker vs pass-through (twice: the noise floor) vs no
//      worker, side by side, in Chromium (and the page load in Firefox);
//   3. known token lifetime: 401 round trips per expiry;
//   4. learned lifetime (goal 3 of issue 10): 401s on the wire per expiry, first and later (learned-lifetime.ts).
// Prints the tables, writes bench/results/<date>.json, bench/results/latest.svg and bench/RESULTS.md.
// `tsx bench/run.ts --quick` runs small shapes only, for working on the runner: it writes only
// bench/results/<date>-quick.json and leaves the chart and RESULTS.md alone.
// Expects a fresh `npm run build` (the npm script does it). Traffic goes to 127.0.0.1 only.

import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { FULL_COST_PLAN, QUICK_COST_PLAN, runCosts } from './costs.ts';
import { FULL_PROACTIVE_PLAN, QUICK_PROACTIVE_PLAN, runProactive } from './proactive.ts';
import { type BenchResults, describeMachine, headlineLines, headlineOf, machineFacts, writeResults } from './report.ts';
import { BenchServer } from './site.ts';
import { drawChart } from './svg-chart.ts';
import { FULL_BEARER_PLAN, QUICK_BEARER_PLAN, describeBearerRun, runBearer } from './bearer.ts';
import { learnedLifetimeLines, runLearnedLifetime } from './learned-lifetime.ts';
import { costTable, formatText, type LearnedLifetimeFigure, matrixTables, proactiveTable } from './table.ts';
import type { Browser } from '@playwright/test';
import { launchBrowser } from './tabs.ts';
import { type CellResult, FULL_PLAN, HEADLINE_SHAPE, QUICK_PLAN, runMatrix, WHOLE_MATRIX_PLAN } from './workloads.ts';

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  // --costs: the cost figures alone (no matrix, no lifetime workloads); writes only the JSON.
  const costsOnly = process.argv.includes('--costs');
  const matrixPlan = process.argv.includes('--matrix') ? WHOLE_MATRIX_PLAN : quick ? QUICK_PLAN : FULL_PLAN;
  if (!existsSync('dist/token-broker-sw.js')) throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
  const startedAt = new Date();
  const started = performance.now();
  const elapsed = () => `${Math.round((performance.now() - started) / 1000)} s`;

  const server = await BenchServer.start();
  const browser = await launchBrowser();
  try {
    const machine = machineFacts(browser.version());
    console.log(`Token Broker benchmark (${quick ? 'quick' : 'full'}) on ${describeMachine(machine)}`);
    console.log(`load average ${machine.loadAverageAtStart.join(' / ')}\n`);

    const matrix = costsOnly ? [] : await runMatrix(browser, server, matrixPlan, (cell: CellResult) => {
      const m = cell.median;
      const failed = cell.errors.length > 0 ? `  FAILED RUNS: ${cell.errors.join('; ')}` : '';
      console.log(`[${elapsed()}] rotation ${cell.rotation ? 'on ' : 'off'} ${cell.tabs}x${cell.requestsPerTab} ${cell.variant.padEnd(21)} ` +
        `refreshes ${m.refreshRequests}, 401s ${m.api401}, ok ${m.requestsSucceeded}/${m.requestsSent}${failed}`);
    });
    if (!costsOnly) console.log(`[${elapsed()}] known token lifetime...`);
    const proactive = costsOnly ? undefined : await runProactive(browser, server, quick ? QUICK_PROACTIVE_PLAN : FULL_PROACTIVE_PLAN);
    const learnedLifetime = costsOnly ? undefined : await learnedLifetimeFigure(browser, (line) => console.log(`[${elapsed()}] ${line}`));
    // Bearer mode: five oidc-client-ts tabs against oidc-provider, without and with the broker.
    if (!costsOnly) console.log(`[${elapsed()}] bearer mode...`);
    const bearer = costsOnly ? undefined : await runBearer(quick ? QUICK_BEARER_PLAN : FULL_BEARER_PLAN,
      (run) => console.log(`[${elapsed()}] ${describeBearerRun(run)}`));
    // The cost figures last, in browsers of their own: the matrix's browser is closed first, so
    // that nothing else of this run competes with them.
    await browser.close();
    const costs = await runCosts(server.url, quick ? QUICK_COST_PLAN : FULL_COST_PLAN, (line) => console.log(`[${elapsed()}] ${line}`));

    machine.loadAverageAtEnd = loadavg().map((value) => Math.round(value * 100) / 100);
    const results: BenchResults = {
      startedAt: startedAt.toISOString(),
      wallTimeSeconds: Math.round((performance.now() - started) / 1000),
      plan: quick ? 'quick' : costsOnly ? 'costs' : 'full',
      machine,
      matrix,
      costs,
      proactive,
      learnedLifetime,
      bearer,
    };
    const chartShape = quick ? { tabs: 3, requestsPerTab: 50 } : HEADLINE_SHAPE;
    const svg = drawChart(matrix, {
      ...chartShape, machine: `${machine.cpuModel}, ${machine.cpuCount} cores, Chromium ${machine.chromium}`, date: results.startedAt.slice(0, 10),
    });
    const written = writeResults(results, svg);

    console.log('');
    for (const table of [...matrixTables(matrix), ...(proactive ? [proactiveTable(proactive)] : []), costTable(costs, learnedLifetime)]) console.log(`${formatText(table)}\n`);
    for (const run of bearer?.runs ?? []) console.log(`bearer: ${describeBearerRun(run)}`);
    for (const failure of bearer?.failures ?? []) console.log(`bearer: not measured: ${failure}`);
    for (const line of headlineLines(headlineOf(results))) console.log(line);
    console.log(`\nWrote ${written.join(', ')}`);
    console.log(`Wall time: ${elapsed()} (load average at end ${machine.loadAverageAtEnd.join(' / ')})`);
  } finally {
    await browser.close().catch(() => undefined);
    await server.close();
  }
}

/** The learned-lifetime figure (bench/learned-lifetime.ts) as the cost table's row: the broker
 * with session cookies, against the reactive broker (learnLifetime: false) for reference. */
async function learnedLifetimeFigure(browser: Browser, log: (line: string) => void): Promise<LearnedLifetimeFigure> {
  log('learned lifetime...');
  const result = await runLearnedLifetime(browser);
  for (const line of learnedLifetimeLines(result)) log(line);
  const learning = result.rows.find((row) => row.variant === 'broker, session cookies');
  const reactive = result.rows.find((row) => row.variant.startsWith('reactive broker'));
  if (!learning) throw new Error('bench/learned-lifetime.ts gave no row for the broker with session cookies');
  const oneYear = result.rows.find((row) => row.variant === 'broker, one-year cookies');
  return {
    first401s: learning.firstExpiry401s,
    later401s: learning.laterExpiries401sMean,
    noBroker401s: reactive?.laterExpiries401sMean,
    expiries: result.expiries,
    noise: oneYear ? `one-year cookies: ${oneYear.firstExpiry401s} / ${oneYear.laterExpiries401sMean}` : undefined,
  };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exitCode = 1;
});
