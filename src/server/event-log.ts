// The server's ordered record of what happened when: each refresh's start and end, each API
// request's arrival (and, once answered, its status), and the marks a test sets. Counters say how
// many; this says in which order, so a test can prove that its action (a worker update, a tab
// closed, requests made) happened while the server was holding a refresh, not before or after.
// Order is the sequence number; the times are the server's clock, for reading, not for asserting.

export type ServerEventKind = 'refresh-started' | 'refresh-ended' | 'api' | 'mark';

export interface ServerEvent {
  /** Grows by one with every event, never reused (not even across a clear). */
  readonly seq: number;
  /** The server's Date.now() when it happened (an API request: when it arrived). */
  readonly atMs: number;
  readonly kind: ServerEventKind;
  /** refresh-ended: the status answered. api: the status answered, null while unanswered. */
  status?: number | null;
  /** api: the method and path (no query: it may carry anything). */
  readonly method?: string;
  readonly path?: string;
  /** mark: what the test says happened. */
  readonly label?: string;
}

/** Beyond this many events the oldest are dropped: a long demo or bench run stays bounded. */
export const MAX_SERVER_EVENTS = 10_000;
export const MAX_MARK_LABEL_LENGTH = 200;

export class ServerEventLog {
  readonly #now: () => number;
  #events: ServerEvent[] = [];
  #lastSeq = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Records an event now; the returned object may still receive its status. */
  record(kind: ServerEventKind, details: Omit<ServerEvent, 'seq' | 'atMs' | 'kind'> = {}): ServerEvent {
    this.#lastSeq += 1;
    const event: ServerEvent = { seq: this.#lastSeq, atMs: this.#now(), kind, ...details };
    this.#events.push(event);
    if (this.#events.length > MAX_SERVER_EVENTS) this.#events.splice(0, this.#events.length - MAX_SERVER_EVENTS);
    return event;
  }

  /** Every event kept, oldest first (copies). */
  list(): ServerEvent[] {
    return this.#events.map((event) => ({ ...event }));
  }

  clear(): void {
    this.#events = [];
  }
}
