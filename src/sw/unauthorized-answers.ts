// Which credential generation each tab last got a 401 for, from the broker's own hands (a body
// over the replay bound, a refresh that did not help, a 401 that was not an expiry). An app that
// kept its refresh-on-401 interceptor calls the refresh endpoint right after such a 401; if the
// generation has moved past the one that 401 was stamped with, the broker has refreshed since,
// and that call can be answered from the refresh already made instead of spending the refresh
// token again (page-refresh-call.ts).

/**
 * How long a 401 handed to a tab explains that tab's next refresh call. An interceptor calls at
 * once; the bound only keeps an old 401 from explaining a much later call that a 401 the broker
 * never saw (a URL outside the api prefixes) prompted. Generous, for loaded machines: a wrong
 * "already refreshed" costs the page one failed retry, no session.
 */
export const UNAUTHORIZED_ANSWER_MEMORY_MS = 30_000;
/** One entry per tab; a worker serves few tabs, this only bounds a page that opens many. */
const MAX_REMEMBERED_TABS = 256;

interface Remembered {
  readonly generation: number;
  readonly atMs: number;
}

export class UnauthorizedAnswers {
  readonly #byClient = new Map<string, Remembered>();
  readonly #now: () => number;

  /** `now`: a monotonic clock (ms) by default, only ever compared with itself. */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** The tab `clientId` got a 401 for a request stamped with `generation`. */
  note(clientId: string, generation: number): void {
    const previous = this.#byClient.get(clientId);
    this.#byClient.delete(clientId);
    // The newest generation wins: a later 401 with younger credentials is the one a refresh must cure.
    this.#byClient.set(clientId, { generation: Math.max(generation, previous?.generation ?? generation), atMs: this.#now() });
    if (this.#byClient.size > MAX_REMEMBERED_TABS) {
      const oldest = this.#byClient.keys().next().value;
      if (oldest !== undefined) this.#byClient.delete(oldest);
    }
  }

  /** The generation of the tab's latest 401, if it got one recently; undefined otherwise. */
  latestFor(clientId: string): number | undefined {
    const remembered = this.#byClient.get(clientId);
    if (!remembered) return undefined;
    const ageMs = this.#now() - remembered.atMs;
    if (ageMs >= 0 && ageMs < UNAUTHORIZED_ANSWER_MEMORY_MS) return remembered.generation;
    this.#byClient.delete(clientId);
    return undefined;
  }
}
