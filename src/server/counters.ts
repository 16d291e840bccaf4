// The server's own counts: the ground truth the end-to-end tests assert on
// ("the server saw exactly one refresh"), and what the demo page shows.

export const COUNTER_NAMES = [
  'refreshRequests',
  'refreshSucceeded',
  'refreshRefused',
  'reuseDetected',
  'sessionsRevoked',
  'apiRequests',
  'apiSucceeded',
  'api401',
  'api401Expired',
  'csrfFailures',
  'publicRequests',
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];
export type CounterSnapshot = Record<CounterName, number>;

export class DemoCounters {
  #values: CounterSnapshot = DemoCounters.#zeroes();

  increment(name: CounterName): void {
    this.#values[name] += 1;
  }

  snapshot(): CounterSnapshot {
    return { ...this.#values };
  }

  reset(): void {
    this.#values = DemoCounters.#zeroes();
  }

  static #zeroes(): CounterSnapshot {
    return Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as CounterSnapshot;
  }
}
