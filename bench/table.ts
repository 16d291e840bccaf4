// The tables, as aligned text for the terminal and as Markdown for RESULTS.md: the same rows.

import type { CostResults } from './costs.ts';
import type { SideBySide } from './side-by-side.ts';
import type { ProactiveResult } from './proactive.ts';
import type { CellResult } from './workloads.ts';

export interface Table {
  readonly title: string;
  readonly headers: readonly string[];
  /** Column indexes aligned right (numbers). */
  readonly numeric: readonly number[];
  /** A row of undefined is a separator between groups. */
  readonly rows: readonly (readonly string[] | undefined)[];
}

const MATRIX_HEADERS = ['strategy', 'broker', 'T', 'R', 'refreshes', 'reuse', 'session alive', 'succeeded', '401s on wire', 'burst ms', 'runs'];

function aliveText(cell: CellResult): string {
  const runs = cell.runs.length;
  if (runs === 0) return 'error';
  if (runs === 1) return cell.median.sessionsAlive === 1 ? 'yes' : 'NO';
  return `${cell.median.sessionsAlive}/${runs}`;
}

function matrixRow(cell: CellResult): string[] {
  const m = cell.median;
  const ok = cell.runs.length > 0;
  return [
    cell.strategy, cell.broker ? 'on' : 'off', String(cell.tabs), String(cell.requestsPerTab),
    ok ? String(m.refreshRequests) : '-', ok ? String(m.reuseDetected) : '-', aliveText(cell),
    ok ? `${m.requestsSucceeded}/${m.requestsSent}` : '-', ok ? String(m.api401) : '-', ok ? String(Math.round(m.burstMs)) : '-',
    String(cell.runs.length) + (cell.errors.length > 0 ? ` (+${cell.errors.length} failed)` : ''),
  ];
}

/** One table per rotation setting, a separator between burst shapes. */
export function matrixTables(cells: readonly CellResult[]): Table[] {
  return [true, false].map((rotation) => {
    const rows: (string[] | undefined)[] = [];
    let previousShape = '';
    for (const cell of cells.filter((candidate) => candidate.rotation === rotation)) {
      const shape = `${cell.tabs}x${cell.requestsPerTab}`;
      if (previousShape !== '' && shape !== previousShape) rows.push(undefined);
      previousShape = shape;
      rows.push(matrixRow(cell));
    }
    return {
      title: rotation ? 'Refresh-token rotation and reuse detection ON (the default)' : 'Refresh-token rotation OFF',
      headers: MATRIX_HEADERS, numeric: [2, 3, 4, 5, 7, 8, 9], rows,
    };
  }).filter((table) => table.rows.length > 0);
}

export function proactiveTable(result: ProactiveResult): Table {
  const { shape } = result.plan;
  return {
    title: `Known token lifetime: ${shape.tabs} tabs x ${shape.requestsPerTab} requests fired just before a ${result.accessTtlSeconds} s token dies ` +
      `(cookie expiry ${result.cookieExpiryKnown ? 'readable' : 'NOT readable: session cookies'}` +
      `${result.refusedConfigs.length > 0 ? `; configs REFUSED by this broker build: ${result.refusedConfigs.join(', ')}` : ''})`,
    headers: ['variant', 'refreshes', '401s on wire', 'succeeded', 'session alive', 'runs'],
    numeric: [1, 2],
    rows: result.cells.map((cell) => [
      cell.variant, String(cell.median.refreshRequests), String(cell.median.api401),
      `${cell.median.requestsSucceeded}/${cell.median.requestsSent}`, aliveText(cell),
      String(cell.runs.length) + (cell.errors.length > 0 ? ` (+${cell.errors.length} failed)` : ''),
    ]),
  };
}

/** The figures of "What it costs", one row each: the three setups, the broker's ratios, and the noise floor. */
export function costTable(costs: CostResults, learned?: LearnedLifetimeFigure): Table {
  const rows: (string[] | undefined)[] = [];
  const ms = (figure: SideBySide, setup: 'no worker' | 'pass-through worker' | 'broker') => {
    const spread = figure.rows[setup];
    if (!spread) return '-';
    // The pass-through column pools both profiles' samples: the broker is compared with that.
    const again = setup === 'pass-through worker' ? figure.rows['pass-through worker, again'] : undefined;
    return again ? `${spread.p50Ms} / ${spread.p95Ms} · ${again.p50Ms} / ${again.p95Ms}` : `${spread.p50Ms} / ${spread.p95Ms}`;
  };
  const pct = (value: { p50: number; p95: number } | undefined) => (value ? `${signed(value.p50)} / ${signed(value.p95)}` : '-');
  const row = (name: string, figure: SideBySide | undefined) => {
    if (!figure) return;
    const samples = figure.rows.broker?.samples ?? 0;
    rows.push([name, ms(figure, 'no worker'), ms(figure, 'pass-through worker'), ms(figure, 'broker'),
      pct(figure.brokerOverPassThroughPercent), pct(figure.noisePercent), pct(figure.brokerOverNoWorkerPercent), String(samples)]);
  };
  row('page load, 30 assets (chromium)', costs.pageLoad.chromium);
  row('page load, 30 assets (firefox)', costs.pageLoad.firefox);
  row('navigation, worker stopped (chromium)', costs.stoppedNavigation);
  row('API request, sequential (chromium)', costs.apiSequential);
  row('API request, 20 parallel (chromium)', costs.apiParallel);
  row('first API request, worker stopped (chromium)', costs.coldStart);
  row('API request during 16 long-polls, HTTP/2 (chromium)', costs.duringLongPolls);
  rows.push(['401s on the wire per expiry, first / later (learned lifetime)',
    learned ? `${learned.noBroker401s ?? '-'}` : '-', '-', learned ? `${learned.first401s} / ${learned.later401s}` : 'not measured (bench/learned-lifetime.ts)',
    '-', learned?.noise ?? '-', '-', learned ? String(learned.expiries) : '0']);
  return {
    title: 'What it costs: p50 / p95 ms of each setup (pass-through: two profiles, first · second), measured side by side in one run',
    headers: ['figure', 'no worker', 'pass-through worker', 'broker', 'broker vs pass-through %', 'noise floor %', 'broker vs no worker %', 'broker samples'],
    numeric: [7],
    rows,
  };
}

/** What bench/learned-lifetime.ts (issue 10, goal 3) reports, when it is there. */
export interface LearnedLifetimeFigure {
  /** 401s on the wire at the first expiry, and per later expiry (median), with the broker. */
  readonly first401s: number;
  readonly later401s: number;
  /** The same without the broker, for reference (per expiry), if measured. */
  readonly noBroker401s?: number;
  readonly expiries: number;
  /** How much the figure moves from run to run, in words or numbers. */
  readonly noise?: string;
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}

export function formatText(table: Table): string {
  const widths = table.headers.map((header, column) => Math.max(header.length,
    ...table.rows.map((row) => row?.[column]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => {
    const width = widths[column] ?? 0;
    return table.numeric.includes(column) ? cell.padStart(width) : cell.padEnd(width);
  }).join('  ').trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [table.title, line(table.headers), rule, ...table.rows.map((row) => (row ? line(row) : ''))].join('\n');
}

export function formatMarkdown(table: Table): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  const align = table.headers.map((_, column) => (table.numeric.includes(column) ? '---:' : '---'));
  return [
    `**${table.title}**`,
    '',
    `| ${table.headers.map(escape).join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...table.rows.filter((row): row is readonly string[] => row !== undefined).map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}
