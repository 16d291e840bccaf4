// Setups measured side by side: many short rounds, each setup once per round, in an order that
// rotates, so that a slow spell of this shared machine falls on every setup alike. The pass-through
// worker runs twice (two profiles, the same page): their difference is the noise floor, the
// smallest difference this run can resolve, printed next to every figure.

import { percentile, round } from './statistics.ts';

export const SETUPS = ['no worker', 'pass-through worker', 'pass-through worker, again', 'broker'] as const;
export type Setup = (typeof SETUPS)[number];

export interface Spread {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
}

export interface SideBySide {
  readonly rows: Partial<Record<Setup, Spread>>;
  /** Broker over both pass-through profiles together, minus one, in percent: p50 and p95. */
  readonly brokerOverPassThroughPercent?: { p50: number; p95: number };
  /** The second pass-through profile over the first, minus one, in percent: the noise floor. */
  readonly noisePercent?: { p50: number; p95: number };
  /** Broker over no worker, minus one, in percent. */
  readonly brokerOverNoWorkerPercent?: { p50: number; p95: number };
}

/** Calls each setup's `sample` once per round, the order rotating; returns every sample by setup. */
export async function alternate<K extends string = Setup>(
  samplers: Partial<Record<K, (roundIndex: number) => Promise<number[]>>>, rounds: number, setups: readonly K[] = SETUPS as readonly string[] as readonly K[],
): Promise<Map<K, number[]>> {
  const present = setups.filter((setup) => samplers[setup] !== undefined);
  const samples = new Map<K, number[]>(present.map((setup) => [setup, []]));
  for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
    for (let offset = 0; offset < present.length; offset += 1) {
      const setup = present[(roundIndex + offset) % present.length]!;
      samples.get(setup)!.push(...(await samplers[setup]!(roundIndex)));
    }
  }
  return samples;
}

export function spreadOf(values: readonly number[]): Spread {
  return { samples: values.length, p50Ms: round(percentile(values, 0.5), 2), p95Ms: round(percentile(values, 0.95), 2) };
}

export function sideBySide(samples: Map<Setup, number[]>): SideBySide {
  const rows: Partial<Record<Setup, Spread>> = {};
  for (const [setup, values] of samples) rows[setup] = spreadOf(values);
  const first = samples.get('pass-through worker');
  const again = samples.get('pass-through worker, again');
  const passThrough = first && again ? spreadOf([...first, ...again]) : rows['pass-through worker'];
  const over = (a: Spread | undefined, b: Spread | undefined) => a && b
    ? { p50: percent(a.p50Ms / b.p50Ms), p95: percent(a.p95Ms / b.p95Ms) } : undefined;
  return {
    rows,
    ...(over(rows.broker, passThrough) ? { brokerOverPassThroughPercent: over(rows.broker, passThrough) } : {}),
    ...(over(rows['pass-through worker, again'], rows['pass-through worker']) ? { noisePercent: over(rows['pass-through worker, again'], rows['pass-through worker']) } : {}),
    ...(over(rows.broker, rows['no worker']) ? { brokerOverNoWorkerPercent: over(rows.broker, rows['no worker']) } : {}),
  };
}

function percent(ratio: number): number {
  return round((ratio - 1) * 100, 1);
}
