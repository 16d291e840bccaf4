// What a run leaves behind: the raw results as JSON (with the machine they were measured on),
// the chart, and RESULTS.md, the page the README links to. All small text files.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BearerResult } from './bearer.ts';
import type { CostResults } from './costs.ts';
import type { ProactiveResult } from './proactive.ts';
import { costTable, formatMarkdown, type LearnedLifetimeFigure, matrixTables, proactiveTable } from './table.ts';
import type { Setup, SideBySide } from './side-by-side.ts';
import { type CellResult, HEADLINE_SHAPE, isHeadline } from './workloads.ts';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = join(BENCH_DIR, 'results');

export interface MachineFacts {
  os: string;
  cpuModel: string;
  cpuCount: number;
  memoryGiB: number;
  node: string;
  chromium: string;
  /** 1, 5 and 15 minute load averages when the run started and ended: this machine is shared. */
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export function machineFacts(chromiumVersion: string): MachineFacts {
  const cpuList = cpus();
  return {
    os: `${type()} ${release()}`,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cpuCount: cpuList.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    chromium: chromiumVersion,
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

export function describeMachine(machine: MachineFacts): string {
  return `${machine.cpuModel}, ${machine.cpuCount} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}, Chromium ${machine.chromium}`;
}

export interface BenchResults {
  startedAt: string;
  wallTimeSeconds: number;
  /** costs: `--costs`, the cost figures alone, kept (a quick run's JSON is not). */
  plan: 'full' | 'quick' | 'costs';
  machine: MachineFacts;
  matrix: CellResult[];
  costs: CostResults | undefined;
  proactive: ProactiveResult | undefined;
  /** Goal 3 of issue 10, from bench/learned-lifetime.ts when that module is there. */
  learnedLifetime: LearnedLifetimeFigure | undefined;
  /** Bearer mode, five oidc-client-ts tabs without and with the broker (bench/bearer.ts). */
  bearer?: BearerResult | undefined;
}

export interface Headline {
  /** Median refreshes per expiry of each strategy with the broker, at the headline shape, rotation on. */
  brokerRefreshesPerExpiry: Record<string, number>;
  /** 401 round trips per expiry of the broker at the headline shape (reactive, /__demo/expire). */
  brokerWasted401sAtHeadline: Record<string, number>;
  /** 401 round trips per expiry when the lifetime is known, per variant of the proactive workload. */
  wasted401sKnownLifetime: Record<string, number>;
  /** The five figures of "What it costs", each with its noise floor (text, as printed). */
  costs: string[];
}

export function headlineOf(results: BenchResults): Headline {
  const headlineCells = results.matrix.filter((cell) => isHeadline(cell) && cell.runs.length > 0);
  return {
    brokerRefreshesPerExpiry: Object.fromEntries(headlineCells.map((cell) => [cell.strategy, cell.median.refreshRequests])),
    brokerWasted401sAtHeadline: Object.fromEntries(headlineCells.map((cell) => [cell.strategy, cell.median.api401])),
    wasted401sKnownLifetime: Object.fromEntries((results.proactive?.cells ?? []).filter((cell) => cell.runs.length > 0)
      .map((cell) => [cell.variant, cell.median.api401])),
    costs: costLines(results),
  };
}

/** Issue 10's five goals as lines: the figure, the goal, and the noise floor beside it. */
function costLines(results: BenchResults): string[] {
  const costs = results.costs;
  if (!costs) return ['What it costs: not measured'];
  const p50 = (figure: SideBySide | undefined, setup: Setup) => figure?.rows[setup]?.p50Ms ?? Number.NaN;
  const noise = (figure: SideBySide | undefined) => figure?.noisePercent ? `noise floor ${figure.noisePercent.p50}% / ${figure.noisePercent.p95}% (p50 / p95)` : 'no noise floor';
  const vs = (figure: SideBySide | undefined) => figure?.brokerOverPassThroughPercent
    ? `${figure.brokerOverPassThroughPercent.p50}% / ${figure.brokerOverPassThroughPercent.p95}%` : '?';
  const vsNone = (figure: SideBySide | undefined) => figure?.brokerOverNoWorkerPercent
    ? `${figure.brokerOverNoWorkerPercent.p50}% / ${figure.brokerOverNoWorkerPercent.p95}%` : '?';
  const learned = results.learnedLifetime;
  const lines = [
    `1. Off the API (goal: broker within noise of no worker in Chromium; Firefox no worse than pass-through): page load with 30 assets, broker vs no worker ` +
      `Chromium ${vsNone(costs.pageLoad.chromium)}, Firefox ${vsNone(costs.pageLoad.firefox)}; broker vs pass-through Chromium ${vs(costs.pageLoad.chromium)}, ` +
      `Firefox ${vs(costs.pageLoad.firefox)} (${noise(costs.pageLoad.chromium)} / Firefox ${noise(costs.pageLoad.firefox)}); ` +
      `navigation with the worker stopped, Chromium: broker vs no worker ${vsNone(costs.stoppedNavigation)}, vs pass-through ${vs(costs.stoppedNavigation)} (${noise(costs.stoppedNavigation)})`,
    `2. On the API (goal: at most +5% p50 vs pass-through): sequential ${vs(costs.apiSequential)} (${noise(costs.apiSequential)}), ` +
      `20 parallel ${vs(costs.apiParallel)} (${noise(costs.apiParallel)})`,
    `3. 401s on the wire per expiry with no expiry information, first / later: ${learned ? `${learned.first401s} / ${learned.later401s} over ${learned.expiries} expiries` : 'not measured here (bench/learned-lifetime.ts, another branch)'}`,
    `4. Cold start (goal: within 5 ms of pass-through): first API request after the worker stopped, p50 broker ${p50(costs.coldStart, 'broker')} ms vs pass-through ` +
      `${p50(costs.coldStart, 'pass-through worker')} / ${p50(costs.coldStart, 'pass-through worker, again')} ms (the two pass-throughs' difference is the noise floor)`,
    `5. No head-of-line blocking: an API request while 16 long-polls (${costs.duringLongPolls ? 'each held 2 s' : '-'}) are open on HTTP/2, p50 broker ` +
      `${p50(costs.duringLongPolls, 'broker')} ms, pass-through ${p50(costs.duringLongPolls, 'pass-through worker')} ms, no worker ${p50(costs.duringLongPolls, 'no worker')} ms`,
  ];
  return lines;
}

export function headlineLines(headline: Headline): string[] {
  const list = (record: Record<string, number>) => Object.entries(record).map(([name, value]) => `${name} ${value}`).join(', ') || 'not measured';
  const { tabs, requestsPerTab } = HEADLINE_SHAPE;
  return [
    `Refreshes per expiry with the broker at T=${tabs}, R=${requestsPerTab}, rotation on (goal 1): ${list(headline.brokerRefreshesPerExpiry)}`,
    `401 round trips per expiry with the broker there, reactive (token expired by the server): ${list(headline.brokerWasted401sAtHeadline)}`,
    `401 round trips per expiry where the lifetime is known (goal 0 with the proactive broker): ${list(headline.wasted401sKnownLifetime)}`,
    ...headline.costs,
  ];
}

/** Writes the JSON; a full run also writes the chart and RESULTS.md. Returns the paths written. */
export function writeResults(results: BenchResults, svg: string): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  // Colons are not allowed in file names everywhere.
  const stamp = results.startedAt.replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
  const json = join(RESULTS_DIR, `${stamp}${results.plan === 'full' ? '' : `-${results.plan}`}.json`);
  writeFileSync(json, `${JSON.stringify({ ...results, headline: headlineOf(results) }, null, 1)}\n`);
  if (results.plan !== 'full') return [json];
  const svgPath = join(RESULTS_DIR, 'latest.svg');
  writeFileSync(svgPath, svg);
  const markdown = join(BENCH_DIR, 'RESULTS.md');
  writeFileSync(markdown, resultsMarkdown(results, `${stamp}.json`));
  return [json, svgPath, markdown];
}

function resultsMarkdown(results: BenchResults, jsonName: string): string {
  const tables = [
    ...matrixTables(results.matrix),
    ...(results.costs ? [costTable(results.costs, results.learnedLifetime)] : []),
    ...(results.proactive ? [proactiveTable(results.proactive)] : []),
  ];
  const load = (values: number[] | undefined) => values?.join(' / ') ?? '?';
  return `# Token Broker benchmark results

Generated by \`npm run bench\` (bench/run.ts) on ${results.startedAt.slice(0, 10)}; do not edit by hand.
Raw figures: [results/${jsonName}](results/${jsonName}).

Measured on: ${describeMachine(results.machine)}.
Load average (1/5/15 min) at start ${load(results.machine.loadAverageAtStart)}, at end ${load(results.machine.loadAverageAtEnd)}:
the machine is shared, so absolute times are noisy; compare figures within one run.
Wall time of the run: ${Math.round(results.wallTimeSeconds)} s (plan: ${results.plan}).

![Refreshes and failed requests per strategy, with and without the broker](results/latest.svg)

## Headline

${headlineLines(headlineOf(results)).map((line) => `- ${line}`).join('\n')}

## How to read the tables

- **strategy**: \`none\` (no refresh logic), \`every-401\` (the classic interceptor: each 401 refreshes, then retries once),
  \`shared-promise\` (one refresh promise per tab), \`auth-refresh\` (axios-auth-refresh 5 with its defaults).
  All of them use axios 1 with its CSRF cookie support; **broker on** = the same page plus the broker's one tag.
- **T x R**: T tabs of one profile, each firing R requests at once (GETs and POSTs with a JSON body, alternating)
  just after the server expired every access token (\`POST /__demo/expire\`). The T tabs stay open for that
  strategy's bursts at every R (largest first, a cell's runs one after the other); each burst starts with its own
  login and its own expiry, after the broker's cooldown from the previous refresh has run out.
- **refreshes**, **reuse**: refresh requests and refresh-token reuse detections counted by the server for that one expiry.
- **session alive**: after the burst, plain \`fetch('/api/whoami')\` from the first tab answers 200, at once or after
  one refresh made by the runner. Reuse detection revokes the whole session, which fails both.
- **succeeded**: requests whose answer the page's code saw as 2xx, of those it sent; the others got a 401 or no answer
  at all (status 0, e.g. net::ERR_FAILED; the raw JSON counts each status).
- **401s on wire**: 401 answers the server gave to /api/ requests: round trips that did no work.
- **burst ms**: from the first request sent by any tab to the last answer received by any tab.
- Cells with several runs show medians (session alive: runs alive / runs).

${tables.map(formatMarkdown).join('\n\n')}
`;
}
