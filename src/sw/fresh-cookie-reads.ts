// Fewer round trips to the browser's cookie store, without ever answering with a value read
// before the question was asked. A caller that asks while a read of the same cookie is in flight
// cannot use that read (it may have started before a Set-Cookie the caller's request depends on),
// but it can share the next one: all callers that arrive during one read share the read that
// starts when it ends. One request at a time: one read each, as before. Twenty at once: two reads
// instead of twenty, each a round trip to the network process that also carries the requests.
// A shared read is asked for the tab of the request that started it: the tabs fallback prefers
// that tab's answer, and any tab's value is a value the browser holds.

import type { CookieReader } from './cookie-credentials.ts';
import type { ClientContext } from './credential-source.ts';

type CookieAnswer = Awaited<ReturnType<CookieReader['get']>>;

interface PendingReads {
  /** The read in flight: started before anyone now waiting for `next` asked. */
  current: Promise<CookieAnswer>;
  /** The read that starts when `current` ends, shared by everyone who asked meanwhile. */
  next: Promise<CookieAnswer> | undefined;
}

export class FreshCookieReads implements CookieReader {
  readonly #cookies: CookieReader;
  readonly #pending = new Map<string, PendingReads>();

  constructor(cookies: CookieReader) {
    this.#cookies = cookies;
  }

  get(name: string, client?: ClientContext): Promise<CookieAnswer> {
    const pending = this.#pending.get(name);
    if (!pending) return this.#start(name, client);
    pending.next ??= pending.current.then(() => this.#start(name, client), () => this.#start(name, client));
    return pending.next;
  }

  /** A read that starts now; while it runs, later askers queue for the one after it. */
  #start(name: string, client: ClientContext | undefined): Promise<CookieAnswer> {
    const read = this.#cookies.get(name, client);
    const pending: PendingReads = { current: read, next: undefined };
    this.#pending.set(name, pending);
    const settle = () => {
      // Whoever asked during this read has already chained a new read that replaces this entry.
      if (this.#pending.get(name) === pending) this.#pending.delete(name);
    };
    read.then(settle, settle);
    return read;
  }
}
