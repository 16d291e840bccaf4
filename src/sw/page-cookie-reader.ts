// A second way to read a cookie, for when the worker's own Cookie Store API comes back empty.
// Seen here: Firefox ESR 153 gives about half of its fresh workers, and Chromium 156 about half of
// the workers it restarts after a DevTools stop, a cookieStore whose getAll() is empty for the
// worker's whole life, while the browser still sends the cookies on every request.
// The register script in each tab answers this worker's questions about script-readable cookies
// from document.cookie, which is exactly what the page itself could read.

import type { CookieReader } from './cookie-credentials.ts';
import type { ClientContext } from './credential-source.ts';
import { READ_COOKIES_MESSAGE } from './page-protocol.ts';

/** How long the worker waits for the tabs' answers before it takes what it has. */
export const PAGE_ANSWER_TIMEOUT_MS = 500;

export interface CookieQuestion {
  readonly type: typeof READ_COOKIES_MESSAGE;
  readonly names: readonly string[];
}

/** A tab as the worker sees it: its client id, and a way to post it a question with a reply port. */
export interface PageWindow {
  readonly id?: string;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

/** What the worker needs of the tabs. */
export interface PageMessenger {
  windows(): Promise<readonly PageWindow[]>;
}

/**
 * Asks the open tabs for a cookie. A tab may not have it when another does (its document is on
 * another path, its copy of the jar lags), so a null answer is not taken while a value may still
 * come: the requesting tab's value wins, then the first value from any tab; null once every tab
 * said null; at the timeout, whatever value came, else null.
 */
export class PageCookieReader implements CookieReader {
  readonly #pages: PageMessenger;
  readonly #answerTimeoutMs: number;

  constructor(pages: PageMessenger, options: { answerTimeoutMs?: number } = {}) {
    this.#pages = pages;
    this.#answerTimeoutMs = options.answerTimeoutMs ?? PAGE_ANSWER_TIMEOUT_MS;
  }

  async get(name: string, client?: ClientContext): Promise<{ value: string } | null> {
    const windows = await this.#pages.windows();
    if (windows.length === 0) return null;
    const requester = client?.clientId;
    let requesterPending = requester !== undefined && windows.some((page) => page.id === requester);
    let unanswered = windows.length;
    let otherTabValue: string | undefined;
    return new Promise((resolve) => {
      const ports: MessagePort[] = [];
      const finish = (value: string | undefined) => {
        clearTimeout(timer);
        for (const port of ports) port.close();
        resolve(value === undefined ? null : { value });
      };
      const timer = setTimeout(() => finish(otherTabValue), this.#answerTimeoutMs);
      const question: CookieQuestion = { type: READ_COOKIES_MESSAGE, names: [name] };
      for (const page of windows) {
        const channel = new MessageChannel();
        ports.push(channel.port1);
        channel.port1.onmessage = (event: MessageEvent<unknown>) => {
          // One answer per tab; a malformed one counts as "no value".
          channel.port1.onmessage = null;
          const value = readAnswer(event.data, name) ?? undefined;
          unanswered -= 1;
          if (page.id !== undefined && page.id === requester) {
            requesterPending = false;
            if (value !== undefined) return finish(value);
          } else {
            otherTabValue ??= value;
          }
          if ((!requesterPending && otherTabValue !== undefined) || unanswered === 0) finish(otherTabValue);
        };
        page.postMessage(question, [channel.port2]);
      }
    });
  }
}

/** The Cookie Store API first; the tabs only when it has nothing at all (the state seen above). */
export class CookieReaderWithFallback implements CookieReader {
  readonly #primary: CookieReader & { getAll?(): Promise<readonly unknown[]> };
  readonly #fallback: CookieReader;

  constructor(primary: CookieReader & { getAll?(): Promise<readonly unknown[]> }, fallback: CookieReader) {
    this.#primary = primary;
    this.#fallback = fallback;
  }

  async get(name: string, client?: ClientContext): Promise<{ value: string } | null | undefined> {
    const found = await this.#primary.get(name).catch(() => null);
    if (found) return found;
    const all = this.#primary.getAll ? await this.#primary.getAll().catch(() => []) : [];
    return all.length > 0 ? null : this.#fallback.get(name, client);
  }
}

function readAnswer(data: unknown, name: string): string | null | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const values = (data as { values?: unknown }).values;
  if (typeof values !== 'object' || values === null) return undefined;
  const value = (values as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : value === null ? null : undefined;
}
