// A total for the request bodies the worker keeps in memory for a replay. Why: a body is read
// into the worker when its request arrives, before it may be sent (it waits for a send slot or
// for a refresh), so a burst of uploads would otherwise all sit in one worker at once: 100
// uploads of 8 MiB are 800 MiB. Beyond the total, a request is sent as it came, once, with no
// replay: its 401, if it meets one, goes back to the page. It is never dropped or delayed.

export class HeldBodyBudget {
  readonly #maxBytes: number;
  #heldBytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Bytes held now, by requests that have not ended yet. */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  /**
   * Takes `bytes` from the budget if they fit, and returns what gives them back: call it when the
   * request has ended, however it ended. Calling it again does nothing. Undefined: they do not fit.
   */
  tryHold(bytes: number): (() => void) | undefined {
    if (this.#heldBytes + bytes > this.#maxBytes) return undefined;
    this.#heldBytes += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#heldBytes -= bytes;
    };
  }
}
