// The picture for the README: at the largest burst with rotation on, each strategy without and
// with the broker, side by side: how many refreshes one expiry cost (log scale: 1 against
// hundreds) and how many requests failed. A red cross marks a session killed by reuse detection.

import { STRATEGIES } from './strategies.ts';
import type { CellResult } from './workloads.ts';

const WIDTH = 860;
const HEIGHT = 430;
const PANEL_TOP = 128;
const PANEL_HEIGHT = 210;
const PANEL_WIDTH = 360;
const PANEL_LEFTS = [70, 480];
const BAR_WIDTH = 26;
const COLORS = { off: '#9aa3ad', on: '#1f8a4c', dead: '#c62828', text: '#1d2329', grid: '#e3e6ea' };

interface BarPair {
  id: string;
  label: string;
  off: { value: number; alive: boolean } | undefined;
  on: { value: number; alive: boolean } | undefined;
}

interface Scale {
  y(value: number): number;
  ticks: number[];
}

// The log axis starts a little below 1, so that the goal, 1 refresh, is a bar one can see.
const LOG_FLOOR = 0.5;
// Every bar, even a 0, shows a sliver of its colour: the legend's green must be findable.
const MIN_BAR_PX = 2;

function logScale(max: number): Scale {
  const top = 10 ** Math.max(1, Math.ceil(Math.log10(Math.max(max, 1))));
  const bottom = PANEL_TOP + PANEL_HEIGHT;
  const span = Math.log10(top) - Math.log10(LOG_FLOOR);
  return {
    y: (value) => (value < LOG_FLOOR ? bottom : bottom - ((Math.log10(value) - Math.log10(LOG_FLOOR)) / span) * PANEL_HEIGHT),
    ticks: Array.from({ length: Math.log10(top) + 1 }, (_, power) => 10 ** power),
  };
}

function linearScale(max: number): Scale {
  const step = 10 ** Math.floor(Math.log10(Math.max(max, 1)));
  const top = Math.max(step, Math.ceil(max / step) * step);
  const bottom = PANEL_TOP + PANEL_HEIGHT;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, index) => index * step);
  return { y: (value) => bottom - (value / top) * PANEL_HEIGHT, ticks: ticks.length > 6 ? ticks.filter((_, i) => i % 2 === 0) : ticks };
}

// Group labels in two short lines: a group is about 90 px wide.
const GROUP_LABELS: Record<string, readonly string[]> = {
  none: ['no refresh', 'logic'],
  'every-401': ['refresh on', 'every 401'],
  'shared-promise': ['shared', 'promise per tab'],
  'auth-refresh': ['axios-auth-', 'refresh 5'],
};

const escapeXml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function panel(left: number, title: string, pairs: BarPair[], scale: Scale): string {
  const bottom = PANEL_TOP + PANEL_HEIGHT;
  const parts: string[] = [`<text x="${left - 40}" y="${PANEL_TOP - 40}" font-weight="600" font-size="13">${escapeXml(title)}</text>`];
  for (const tick of scale.ticks) {
    const y = scale.y(tick).toFixed(1);
    parts.push(`<line x1="${left}" x2="${left + PANEL_WIDTH}" y1="${y}" y2="${y}" stroke="${COLORS.grid}"/>`,
      `<text x="${left - 6}" y="${y}" dy="4" text-anchor="end" font-size="11">${tick}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${left + PANEL_WIDTH}" y1="${bottom}" y2="${bottom}" stroke="${COLORS.text}"/>`);
  const groupWidth = PANEL_WIDTH / pairs.length;
  pairs.forEach((pair, index) => {
    const center = left + groupWidth * (index + 0.5);
    for (const [side, bar] of [['off', pair.off], ['on', pair.on]] as const) {
      const x = side === 'off' ? center - BAR_WIDTH - 2 : center + 2;
      if (!bar) {
        parts.push(`<text x="${x + BAR_WIDTH / 2}" y="${bottom - 4}" text-anchor="middle" font-size="11">n/a</text>`);
        continue;
      }
      const y = Math.min(scale.y(bar.value), bottom - MIN_BAR_PX);
      parts.push(`<rect x="${x}" y="${y.toFixed(1)}" width="${BAR_WIDTH}" height="${(bottom - y).toFixed(1)}" fill="${COLORS[side]}"/>`,
        `<text x="${x + BAR_WIDTH / 2}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="11">${bar.value}</text>`);
      if (!bar.alive) {
        parts.push(`<text x="${x + BAR_WIDTH / 2}" y="${(y - 18).toFixed(1)}" text-anchor="middle" font-size="14" font-weight="700" fill="${COLORS.dead}">✗</text>`);
      }
    }
    (GROUP_LABELS[pair.id] ?? [pair.label]).forEach((text, line) => parts.push(
      `<text x="${center}" y="${bottom + 16 + line * 13}" text-anchor="middle" font-size="11">${escapeXml(text)}</text>`));
  });
  return parts.join('\n');
}

export interface ChartContext {
  readonly tabs: number;
  readonly requestsPerTab: number;
  readonly machine: string;
  readonly date: string;
}

/** Draws the chart from the rotation-on cells of one shape. */
export function drawChart(cells: readonly CellResult[], context: ChartContext): string {
  const cellOf = (strategy: string, broker: boolean) => cells.find((cell) => cell.rotation && cell.strategy === strategy &&
    cell.broker === broker && cell.tabs === context.tabs && cell.requestsPerTab === context.requestsPerTab && cell.runs.length > 0);
  const pairsOf = (value: (cell: CellResult) => number): BarPair[] => STRATEGIES.map((strategy) => {
    const bar = (broker: boolean) => {
      const cell = cellOf(strategy.id, broker);
      return cell && { value: value(cell), alive: cell.median.sessionsAlive * 2 > cell.runs.length };
    };
    return { id: strategy.id, label: strategy.label, off: bar(false), on: bar(true) };
  });
  const refreshes = pairsOf((cell) => cell.median.refreshRequests);
  const failed = pairsOf((cell) => cell.median.requestsSent - cell.median.requestsSucceeded);
  const total = context.tabs * context.requestsPerTab;
  const maxOf = (pairs: BarPair[]) => Math.max(1, ...pairs.flatMap((pair) => [pair.off?.value ?? 0, pair.on?.value ?? 0]));
  const legendY = 58;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" fill="${COLORS.text}">
<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>
<text x="20" y="28" font-size="16" font-weight="700">One token expiry, ${context.tabs} tabs x ${context.requestsPerTab} requests at once, rotation + reuse detection on</text>
<rect x="20" y="${legendY - 10}" width="12" height="12" fill="${COLORS.off}"/><text x="38" y="${legendY}" font-size="12">without the broker</text>
<rect x="170" y="${legendY - 10}" width="12" height="12" fill="${COLORS.on}"/><text x="188" y="${legendY}" font-size="12">same page + the broker's one tag</text>
<text x="410" y="${legendY}" font-size="12"><tspan fill="${COLORS.dead}" font-weight="700">✗</tspan> session revoked (refresh token reuse detected)</text>
${panel(PANEL_LEFTS[0] ?? 0, 'Refresh requests the server saw (log scale; goal: 1)', refreshes, logScale(maxOf(refreshes)))}
${panel(PANEL_LEFTS[1] ?? 0, `Requests that failed, of ${total} (goal: 0)`, failed, linearScale(Math.max(total, maxOf(failed))))}
<text x="20" y="${HEIGHT - 14}" font-size="11" fill="#5f6b76">Median of the runs per bar. ${escapeXml(context.machine)}, ${escapeXml(context.date)}. npm run bench; raw figures in bench/results/.</text>
</svg>
`;
}
