// The tables, as aligned text for the terminal and as Markdown for RESULTS.md: the same rows.

import type { OverheadResult, RequestPattern, WorkerSetup } from './overhead.ts';
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

export function overheadTable(result: OverheadResult): Table {
  const rows: (string[] | undefined)[] = [];
  for (const pattern of ['sequential', 'parallel'] as const satisfies readonly RequestPattern[]) {
    if (rows.length > 0) rows.push(undefined);
    const ratios = result.ratios[pattern];
    const ratioText = (ratio: { p50: number; p90: number }, against: string) => `${ratio.p50} / ${ratio.p90} (${against})`;
    for (const setup of ['no worker', 'pass-through worker', 'pass-through worker, again', 'broker'] as const satisfies readonly WorkerSetup[]) {
      const figures = result.setups[pattern][setup];
      const ratio = {
        'no worker': '',
        'pass-through worker': ratioText(ratios.passThroughOverNone, 'both pass-throughs vs no worker'),
        'pass-through worker, again': ratioText(ratios.passThroughAgainOverPassThrough, 'vs the first: the noise'),
        broker: ratioText(ratios.brokerOverPassThrough, 'vs both pass-throughs'),
      }[setup];
      rows.push([pattern, setup, String(figures.requests), figures.p50Ms.toFixed(2), figures.p90Ms.toFixed(2), ratio]);
    }
  }
  const { plan } = result;
  return {
    title: `Overhead per request, GET /api/items (${plan.rounds} alternating rounds of ${plan.sequentialRequests} sequential ` +
      `and ${plan.parallelBatches} batches of ${plan.parallelBatchSize} parallel)`,
    headers: ['requests', 'setup', 'n', 'p50 ms', 'p90 ms', 'ratio p50 / p90'], numeric: [2, 3, 4], rows,
  };
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
