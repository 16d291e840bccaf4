// A second way to read a cookie, for when the worker's own Cookie Store API comes back empty.
// Seen here: Firefox ESR 153 gives about half of its fresh workers, and Chromium 156 about half of
// the workers it restarts after a DevTools stop, a cookieStore whose getAll() is empty for the
// worker's whole life, while the browser still sends the cookies on every request.
// The register script in each tab answers this worker's questions about script-readable cookies
// from document.cookie, which is exactly what the page itself could read.

import type { CookieReader } from './cookie-credentials.ts';
import { READ_COOKIES_MESSAGE } from './page-protocol.ts';

const PAGE_ANSWER_TIMEOUT_MS = 500;

export interface CookieQuestion {
  readonly type: typeof READ_COOKIES_MESSAGE;
  readonly names: readonly string[];
}

/** What the worker needs of the tabs: a way to post a question to each with a reply port. */
export interface PageMessenger {
  windows(): Promise<readonly { postMessage(message: unknown, transfer: Transferable[]): void }[]>;
}

/** Asks the open tabs for a cookie; the first answer wins, no answer in time means no cookie. */
export class PageCookieReader implements CookieReader {
  readonly #pages: PageMessenger;

  constructor(pages: PageMessenger) {
    this.#pages = pages;
  }

  async get(name: string): Promise<{ value: string } | null> {
    const windows = await this.#pages.windows();
    if (windows.length === 0) return null;
    return new Promise((resolve) => {
      const ports: MessagePort[] = [];
      const finish = (value: { value: string } | null) => {
        clearTimeout(timer);
        for (const port of ports) port.close();
        resolve(value);
      };
      const timer = setTimeout(() => finish(null), PAGE_ANSWER_TIMEOUT_MS);
      const question: CookieQuestion = { type: READ_COOKIES_MESSAGE, names: [name] };
      for (const page of windows) {
        const channel = new MessageChannel();
        ports.push(channel.port1);
        channel.port1.onmessage = (event: MessageEvent<unknown>) => {
          const value = readAnswer(event.data, name);
          if (value !== undefined) finish(value === null ? null : { value });
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

  async get(name: string): Promise<{ value: string } | null | undefined> {
    const found = await this.#primary.get(name).catch(() => null);
    if (found) return found;
    const all = this.#primary.getAll ? await this.#primary.getAll().catch(() => []) : [];
    return all.length > 0 ? null : this.#fallback.get(name);
  }
}

function readAnswer(data: unknown, name: string): string | null | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const values = (data as { values?: unknown }).values;
  if (typeof values !== 'object' || values === null) return undefined;
  const value = (values as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : value === null ? null : undefined;
}
