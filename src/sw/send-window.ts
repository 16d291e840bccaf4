// At most N brokered requests on the wire at once; the rest wait here, in the worker.
// Why: a burst that goes to the network all at once queues in the browser behind its six
// connections per host (HTTP/1.1), where the broker can neither hold it during a refresh nor let
// the refresh request pass it. Measured here with 10 tabs x 200 requests through one worker:
// the refresh then waited seconds behind the doomed requests, and some requests failed with
// network errors. Waiting in the worker instead, the refresh goes out at once, and requests that
// have not left yet go out with the fresh credentials, not into a 401.

import { untilAborted } from './abortable.ts';

export class SendWindow {
  readonly #size: number;
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  /** Resolves when a slot is free; give it back with `release()` once the answer's headers came. */
  async acquire(signal: AbortSignal): Promise<void> {
    if (this.#inFlight < this.#size) {
      this.#inFlight += 1;
      return;
    }
    let grant!: () => void;
    const granted = new Promise<void>((resolve) => { grant = resolve; });
    this.#waiting.push(grant);
    try {
      await untilAborted(signal, granted);
    } catch (error) {
      // Gave up while waiting: if the slot was granted meanwhile, pass it on; else leave the queue.
      const index = this.#waiting.indexOf(grant);
      if (index >= 0) this.#waiting.splice(index, 1);
      else this.release();
      throw error;
    }
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next(); // the slot passes straight to the next in line
    else this.#inFlight -= 1;
  }
}
