// Fewer round trips to the browser's cookie store, without ever answering with a value read
// before the question was asked. A caller that asks while a read of the same cookie is in flight
// cannot use that read (it may have started before a Set-Cookie the caller's request depends on),
// but it can share the next one: all callers that arrive during one read share the read that
// starts when it ends. One request at a time: one read each, as before. Twenty at once: two reads
// instead of twenty, each a round trip to the network process that also carries the requests.

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
    // Reads for different tabs are not shared: a reader that asks the tabs prefers the requester.
    const key = `${client?.clientId ?? ''}\n${name}`;
    const pending = this.#pending.get(key);
    if (!pending) return this.#start(key, name, client);
    pending.next ??= pending.current.then(() => this.#start(key, name, client), () => this.#start(key, name, client));
    return pending.next;
  }

  /** A read that starts now; while it runs, later askers queue for the one after it. */
  #start(key: string, name: string, client: ClientContext | undefined): Promise<CookieAnswer> {
    const read = this.#cookies.get(name, client);
    const pending: PendingReads = { current: read, next: undefined };
    this.#pending.set(key, pending);
    const settle = () => {
      // Whoever asked during this read has already chained a new read that replaces this entry.
      if (this.#pending.get(key) === pending) this.#pending.delete(key);
    };
    read.then(settle, settle);
    return read;
  }
}
