// At most N brokered requests on the wire at once; the rest wait here, in the worker.
// Why: a burst that goes to the network all at once queues in the browser behind its six
// connections per host (HTTP/1.1), where the broker can neither hold it during a refresh nor let
// the refresh request pass it. Measured here with 10 tabs x 200 requests through one worker:
// the refresh then waited seconds behind the doomed requests, and some requests failed with
// network errors. Waiting in the worker instead, the refresh goes out at once, and requests that
// have not left yet go out with the fresh credentials, not into a 401.
//
// But one worker serves every tab, and a slot used to be held until the answer's headers came: N
// long-polls (or slow reports, or uploads) across the tabs stopped every other API request of the
// app, even on HTTP/2, where the browser itself would have sent them at once. So a request that
// has been on the wire longer than `longRequestMs` gives its slot back and runs on outside the
// window. A burst's requests answer far sooner than that (tens of ms each here, under load), so
// the window still paces bursts; what it no longer does is wait for a request that is not coming back soon.

import { untilAborted } from './abortable.ts';

/** How long a request may be on the wire and still count against the window. */
export const DEFAULT_LONG_REQUEST_MS = 1_000;

/** A place in the window, from acquire() to release(). */
export interface SendSlot {
  /** The request has gone to the network: from now, after `longRequestMs`, it stops counting. */
  onTheWire(): void;
  /** The answer's headers came (or the request ended): gives the slot back; later calls do nothing. */
  release(): void;
}

export interface SendWindowOptions {
  /** @default DEFAULT_LONG_REQUEST_MS */
  readonly longRequestMs?: number;
}

export class SendWindow {
  readonly #size: number;
  readonly #longRequestMs: number;
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number, options: SendWindowOptions = {}) {
    this.#size = size;
    this.#longRequestMs = options.longRequestMs ?? DEFAULT_LONG_REQUEST_MS;
  }

  /** Resolves with a slot when one is free; give it back with its `release()`. */
  async acquire(signal: AbortSignal): Promise<SendSlot> {
    if (this.#inFlight < this.#size) {
      this.#inFlight += 1;
      return this.#slot();
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
      else this.#giveBack();
      throw error;
    }
    return this.#slot();
  }

  #slot(): SendSlot {
    let held = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const release = () => {
      clearTimeout(timer);
      if (!held) return;
      held = false;
      this.#giveBack();
    };
    return {
      onTheWire: () => {
        if (held && timer === undefined) timer = setTimeout(release, this.#longRequestMs);
      },
      release,
    };
  }

  #giveBack(): void {
    const next = this.#waiting.shift();
    if (next) next(); // the slot passes straight to the next in line
    else this.#inFlight -= 1;
  }
}
