// Reads the service worker's JS heap over CDP. Playwright's context.newCDPSession() accepts only
// pages and frames, so this attaches to the worker target from the browser session, unflattened,
// and speaks to it through Target.sendMessageToTarget (one JSON message per command).
import type { Browser, CDPSession } from '@playwright/test';

export interface HeapUsage {
  /** V8 heap in use, in bytes, after a forced GC: what would grow if the worker leaked. */
  usedBytes: number;
  totalBytes: number;
  /** Bytes of ArrayBuffer contents (and external strings): where request bodies held for a replay live. */
  backingStorageBytes: number;
}

const COMMAND_TIMEOUT_MS = 10_000;

export class WorkerHeapProbe {
  readonly #browserSession: CDPSession;
  readonly #sessionId: string;
  readonly #pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;

  private constructor(browserSession: CDPSession, sessionId: string) {
    this.#browserSession = browserSession;
    this.#sessionId = sessionId;
    browserSession.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId === this.#sessionId) this.#receive(event.message);
    });
  }

  /** Attaches to the one running service worker whose script URL starts with `scriptUrlPrefix`. */
  static async attach(browser: Browser, scriptUrlPrefix: string): Promise<WorkerHeapProbe> {
    const session = await browser.newBrowserCDPSession();
    const { targetInfos } = await session.send('Target.getTargets');
    const workers = targetInfos.filter((info) => info.type === 'service_worker' && info.url.startsWith(scriptUrlPrefix));
    if (workers.length !== 1) {
      throw new Error(`expected one service worker at ${scriptUrlPrefix}, found ${workers.length}`);
    }
    const { sessionId } = await session.send('Target.attachToTarget', { targetId: workers[0]!.targetId, flatten: false });
    return new WorkerHeapProbe(session, sessionId);
  }

  /** Collects garbage first, so that the figure is what the worker holds on to, not what it has yet to free. */
  async measure(): Promise<HeapUsage> {
    await this.#send('HeapProfiler.collectGarbage');
    const result = await this.#send('Runtime.getHeapUsage');
    const { usedSize, totalSize, backingStorageSize } = result as { usedSize?: unknown; totalSize?: unknown; backingStorageSize?: unknown };
    if (typeof usedSize !== 'number' || typeof totalSize !== 'number') throw new Error('Runtime.getHeapUsage: unexpected answer');
    // backingStorageSize came with Chromium 124's protocol; older ones leave it out.
    return { usedBytes: usedSize, totalBytes: totalSize, backingStorageBytes: typeof backingStorageSize === 'number' ? backingStorageSize : Number.NaN };
  }

  async detach(): Promise<void> {
    await this.#browserSession.detach().catch(() => undefined);
  }

  #send(method: string): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method}: no answer from the worker within ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);
      this.#pending.set(id, {
        resolve: (value) => { clearTimeout(timer); resolve(value); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      });
      this.#browserSession
        .send('Target.sendMessageToTarget', { sessionId: this.#sessionId, message: JSON.stringify({ id, method }) })
        .catch((error: unknown) => this.#settle(id, undefined, error instanceof Error ? error : new Error(String(error))));
    });
  }

  // Events of the worker (Inspector.workerScriptLoaded and the like) come this way too: ignored.
  #receive(message: string): void {
    const parsed: unknown = JSON.parse(message);
    if (typeof parsed !== 'object' || parsed === null || !('id' in parsed) || typeof parsed.id !== 'number') return;
    const error = 'error' in parsed ? new Error(`worker CDP error: ${JSON.stringify(parsed.error)}`) : undefined;
    this.#settle(parsed.id, 'result' in parsed ? parsed.result : undefined, error);
  }

  #settle(id: number, result: unknown, error: Error | undefined): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    if (error) pending.reject(error);
    else pending.resolve(result);
  }
}
