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
  'expiredAccessTokens',
  /** Static JSON files served: the broker's configs (the demo serves no other JSON file). */
  'configRequests',
  /** The most /api/ requests the server was answering at once since the last reset. */
  'maxConcurrentApiRequests',
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];
export type CounterSnapshot = Record<CounterName, number>;

export class DemoCounters {
  #values: CounterSnapshot = DemoCounters.#zeroes();
  // Keys already counted by incrementOnce, per counter; cleared with the counts.
  #seen = new Map<CounterName, Set<string>>();

  increment(name: CounterName): void {
    this.#values[name] += 1;
  }

  /** Counts `key` the first time it is seen for `name`: how many distinct things, not how many events. */
  incrementOnce(name: CounterName, key: string): void {
    let seen = this.#seen.get(name);
    if (!seen) this.#seen.set(name, (seen = new Set()));
    if (seen.has(key)) return;
    seen.add(key);
    this.increment(name);
  }

  /** Keeps the largest `value` seen for `name`: a high-water mark, not a count. */
  recordMax(name: CounterName, value: number): void {
    this.#values[name] = Math.max(this.#values[name], value);
  }

  snapshot(): CounterSnapshot {
    return { ...this.#values };
  }

  reset(): void {
    this.#values = DemoCounters.#zeroes();
    this.#seen = new Map();
  }

  static #zeroes(): CounterSnapshot {
    return Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as CounterSnapshot;
  }
}
