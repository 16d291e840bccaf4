// What a run leaves behind: the raw results as JSON (with the machine they were measured on),
// the chart, and RESULTS.md, the page the README links to. All small text files.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OverheadResult } from './overhead.ts';
import type { ProactiveResult } from './proactive.ts';
import { formatMarkdown, matrixTables, overheadTable, proactiveTable } from './table.ts';
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
  plan: 'full' | 'quick';
  machine: MachineFacts;
  matrix: CellResult[];
  overhead: OverheadResult | undefined;
  proactive: ProactiveResult | undefined;
}

export interface Headline {
  /** Median refreshes per expiry of each strategy with the broker, at the headline shape, rotation on. */
  brokerRefreshesPerExpiry: Record<string, number>;
  /** 401 round trips per expiry of the broker at the headline shape (reactive, /__demo/expire). */
  brokerWasted401sAtHeadline: Record<string, number>;
  /** 401 round trips per expiry when the lifetime is known, per variant of the proactive workload. */
  wasted401sKnownLifetime: Record<string, number>;
  /** Broker p50 / pass-through p50, minus one, in percent. */
  p50OverheadPercent: { sequential: number; parallel: number } | undefined;
  /** The same for two identical pass-through workers: the difference this machine cannot resolve. */
  p50NoisePercent: { sequential: number; parallel: number } | undefined;
}

export function headlineOf(results: BenchResults): Headline {
  const headlineCells = results.matrix.filter((cell) => isHeadline(cell) && cell.runs.length > 0);
  const percent = (ratio: number) => Math.round((ratio - 1) * 1000) / 10;
  return {
    brokerRefreshesPerExpiry: Object.fromEntries(headlineCells.map((cell) => [cell.strategy, cell.median.refreshRequests])),
    brokerWasted401sAtHeadline: Object.fromEntries(headlineCells.map((cell) => [cell.strategy, cell.median.api401])),
    wasted401sKnownLifetime: Object.fromEntries((results.proactive?.cells ?? []).filter((cell) => cell.runs.length > 0)
      .map((cell) => [cell.variant, cell.median.api401])),
    p50OverheadPercent: results.overhead && {
      sequential: percent(results.overhead.ratios.sequential.brokerOverPassThrough.p50),
      parallel: percent(results.overhead.ratios.parallel.brokerOverPassThrough.p50),
    },
    p50NoisePercent: results.overhead?.ratios.sequential.passThroughAgainOverPassThrough && {
      sequential: percent(results.overhead.ratios.sequential.passThroughAgainOverPassThrough.p50),
      parallel: percent(results.overhead.ratios.parallel.passThroughAgainOverPassThrough.p50),
    },
  };
}

export function headlineLines(headline: Headline): string[] {
  const list = (record: Record<string, number>) => Object.entries(record).map(([name, value]) => `${name} ${value}`).join(', ') || 'not measured';
  const { tabs, requestsPerTab } = HEADLINE_SHAPE;
  const overhead = headline.p50OverheadPercent;
  const noise = headline.p50NoisePercent;
  return [
    `Refreshes per expiry with the broker at T=${tabs}, R=${requestsPerTab}, rotation on (goal 1): ${list(headline.brokerRefreshesPerExpiry)}`,
    `401 round trips per expiry with the broker there, reactive (token expired by the server): ${list(headline.brokerWasted401sAtHeadline)}`,
    `401 round trips per expiry where the lifetime is known (goal 0 with the proactive broker): ${list(headline.wasted401sKnownLifetime)}`,
    overhead ? `p50 overhead of the broker vs the pass-through worker (goal within 5%): sequential ${overhead.sequential}%, parallel ${overhead.parallel}%` +
      (noise ? ` (two identical pass-through workers differ by ${noise.sequential}% / ${noise.parallel}% here: the noise)` : '')
      : 'p50 overhead: not measured',
  ];
}

/** Writes the JSON; a full run also writes the chart and RESULTS.md. Returns the paths written. */
export function writeResults(results: BenchResults, svg: string): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  // Colons are not allowed in file names everywhere.
  const stamp = results.startedAt.replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
  const json = join(RESULTS_DIR, `${stamp}${results.plan === 'quick' ? '-quick' : ''}.json`);
  writeFileSync(json, `${JSON.stringify({ ...results, headline: headlineOf(results) }, null, 1)}\n`);
  if (results.plan === 'quick') return [json];
  const svgPath = join(RESULTS_DIR, 'latest.svg');
  writeFileSync(svgPath, svg);
  const markdown = join(BENCH_DIR, 'RESULTS.md');
  writeFileSync(markdown, resultsMarkdown(results, `${stamp}.json`));
  return [json, svgPath, markdown];
}

function resultsMarkdown(results: BenchResults, jsonName: string): string {
  const tables = [
    ...matrixTables(results.matrix),
    ...(results.overhead ? [overheadTable(results.overhead)] : []),
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
