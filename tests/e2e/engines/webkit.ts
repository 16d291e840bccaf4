// WebKit (Safari's engine), as Debian ships it: WebKitGTK's MiniBrowser driven by WebKitWebDriver
// over W3C WebDriver classic, on an Xvfb display (see webkit-processes.ts). One display per test
// worker; a profile is a WebDriver session, that is a MiniBrowser with fresh storage, and its
// tabs are the session's windows.
//
// WebDriver classic has one current window per session, and an async script is lost when the
// current window changes under it. So that the tabs of a profile run at once (five tabs firing
// bursts together), `evaluate` starts the function in its tab and returns, then polls the tab for
// the outcome; every switch-then-command pair holds the profile's one lock.

import { DEFAULT_WAIT_MS, type BrowserCookie, type Engine, type Profile, type ProfileOptions, type Tab } from './engine.ts';
import { WebDriverSession } from './webdriver-client.ts';
import { findWebKit, startDriver, startXvfb, type Display, type WebKitInstall } from './webkit-processes.ts';

export { findWebKit } from './webkit-processes.ts';

/** Generous: on a loaded machine a session has taken 8 s to start. */
const START_TIMEOUT_MS = 60_000;
/** How long one evaluate may run; above the test timeout, which is what bounds a test. */
const EVALUATE_TIMEOUT_MS = 120_000;
const POLL_INTERVAL_MS = 25;

export async function launchWebKit(): Promise<Engine> {
  const install = findWebKit();
  if (!install) throw new Error('WebKit is not installed: apt-get install --no-install-recommends webkit2gtk-driver xvfb xauth (or set MINIBROWSER_PATH)');
  const display = await startXvfb(install.xvfb, START_TIMEOUT_MS);
  const open = new Set<Profile>();
  return {
    name: 'webkit',
    async newProfile(options: ProfileOptions = {}) {
      const profile = await webkitProfile(install, display, options, () => open.delete(profile));
      open.add(profile);
      return profile;
    },
    async close() {
      await Promise.all([...open].map((profile) => profile.close()));
      display.close();
    },
  };
}

function capabilities(install: WebKitInstall, options: ProfileOptions): unknown {
  // Safari's defaults: CookieStoreAPIExtendedAttributes stays off, so cookieStore.get() gives no
  // expires, as in Safari. "Without the broker" is the same browser with service workers off.
  const args = ['--automation', ...(options.serviceWorkers === false ? ['--features=-ServiceWorkers'] : [])];
  return {
    alwaysMatch: {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: install.miniBrowser, args },
      timeouts: { script: EVALUATE_TIMEOUT_MS, pageLoad: START_TIMEOUT_MS },
    },
  };
}

async function webkitProfile(install: WebKitInstall, display: Display, options: ProfileOptions, forget: () => void): Promise<Profile> {
  const driver = await startDriver(install.driver, display, START_TIMEOUT_MS);
  let session: WebDriverSession;
  try {
    session = await WebDriverSession.create(driver.url, capabilities(install, options), START_TIMEOUT_MS);
  } catch (error) {
    driver.close();
    throw error;
  }
  const windows = new WindowSwitch(session, await session.currentWindow());
  let closed = false;
  return {
    engine: 'webkit',
    // WebDriver classic reads no console, and MiniBrowser's console-to-stdout setting does not
    // reach the views it makes for automation: no lines, pages' or worker's (see limits.ts).
    consoleLines: [],
    devtools: undefined,
    async openTab(url) {
      const handle = await windows.open();
      await windows.inWindow(handle, () => session.navigate(url, START_TIMEOUT_MS));
      return webkitTab(session, windows, handle, () => closed);
    },
    // WebDriver's cookies are the current document's, HttpOnly ones included.
    cookies: async () => windows.withAnyWindow(async () => (await session.cookies()).map((cookie): BrowserCookie => ({
      name: cookie.name,
      value: cookie.value,
      expiresAtMs: cookie.expiry === undefined ? undefined : cookie.expiry * 1_000,
    }))),
    async close() {
      if (closed) return;
      closed = true;
      forget();
      // Killing the driver's process group ends the MiniBrowser with it, at once; a polite
      // DELETE /session took 4 s here, and the storage it would tidy is thrown away anyway.
      driver.close();
    },
  };
}

/** The profile's windows, and the one lock under which the current window may change. */
class WindowSwitch {
  readonly #session: WebDriverSession;
  /** The session's first window, given to the first tab. */
  #unused: string | undefined;
  #current: string;
  readonly #open = new Set<string>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(session: WebDriverSession, first: string) {
    this.#session = session;
    this.#unused = first;
    this.#current = first;
  }

  open(): Promise<string> {
    return this.#locked(async () => {
      const handle = this.#unused ?? await this.#session.newTab();
      this.#unused = undefined;
      this.#open.add(handle);
      return handle;
    });
  }

  /** Runs `action` with `handle` as the current window; no other window change meanwhile. */
  inWindow<T>(handle: string, action: () => Promise<T>): Promise<T> {
    return this.#locked(async () => {
      if (!this.#open.has(handle)) throw new Error('this tab is closed');
      if (this.#current !== handle) {
        await this.#session.switchTo(handle);
        this.#current = handle;
      }
      return action();
    });
  }

  withAnyWindow<T>(action: () => Promise<T>): Promise<T> {
    return this.#locked(action);
  }

  /** Closes a tab; the profile's last one becomes a blank page instead, as closing it would end the session. */
  close(handle: string): Promise<void> {
    return this.inWindow(handle, async () => {
      if (this.#open.size === 1) {
        await this.#session.navigate('about:blank');
        this.#unused = handle;
      } else {
        const left = await this.#session.closeWindow();
        this.#current = left[0] ?? handle;
        if (left[0]) await this.#session.switchTo(left[0]);
      }
      this.#open.delete(handle);
    });
  }

  #locked<T>(action: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(action, action);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** What the page keeps about one evaluation, under window.__webkitEvaluations[id]. */
interface EvaluationSlot {
  done: boolean;
  /** JSON of the result; absent for undefined. */
  json?: string;
  /** The thrown error's message. (Not `error`: a WebDriver answer with that key is a driver error.) */
  failure?: string;
}

let nextEvaluation = 0;

function webkitTab(session: WebDriverSession, windows: WindowSwitch, handle: string, profileClosed: () => boolean): Tab {
  async function evaluate<R>(fn: (arg: unknown) => R | Promise<R>, arg?: unknown): Promise<R> {
    const id = `e${(nextEvaluation += 1)}`;
    // The source runs as the page's own script; test code compiled with esbuild's keepNames calls
    // a __name helper that only node has. The answer comes back at once when the function is
    // done within a few milliseconds; otherwise the page keeps it for the polls below.
    const start = `const __name = (target) => target;
      const fn = (${fn.toString()});
      const slots = (window.__webkitEvaluations ??= {});
      const slot = (slots[arguments[0]] = { done: false });
      const settle = (update) => Object.assign(slot, update, { done: true });
      Promise.resolve().then(() => fn(JSON.parse(arguments[1])))
        .then((value) => settle(value === undefined ? {} : { json: JSON.stringify(value) }),
              (error) => settle({ failure: String(error && error.message ? error.message : error) }));
      return new Promise((resolve) => setTimeout(() => resolve(slot), 10));`;
    const poll = `const slots = window.__webkitEvaluations || {};
      const slot = slots[arguments[0]];
      if (slot && slot.done) delete slots[arguments[0]];
      return slot || { lost: true };`;
    let slot = await windows.inWindow(handle, () => session.executeSync<EvaluationSlot>(start, [id, JSON.stringify(arg ?? null)], START_TIMEOUT_MS));
    const deadline = Date.now() + EVALUATE_TIMEOUT_MS;
    while (!slot.done) {
      if (profileClosed()) throw new Error('evaluate: the profile was closed');
      if (Date.now() > deadline) throw new Error(`evaluate: no outcome within ${EVALUATE_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      slot = await windows.inWindow(handle, () => session.executeSync<EvaluationSlot & { lost?: boolean }>(poll, [id], START_TIMEOUT_MS));
      if ((slot as { lost?: boolean }).lost) throw new Error('evaluate: the page navigated away before the function ended');
    }
    if (slot.failure !== undefined) throw new Error(`evaluate: ${slot.failure}`);
    return (slot.json === undefined ? undefined : JSON.parse(slot.json)) as R;
  }
  return {
    evaluate: evaluate as Tab['evaluate'],
    async waitForFunction(fn, timeoutMs = DEFAULT_WAIT_MS) {
      const deadline = Date.now() + timeoutMs;
      let lastError = '';
      for (;;) {
        try {
          if (await evaluate(fn)) return;
        } catch (error) {
          lastError = `; last error: ${String(error)}`; // a page between loads: try again
        }
        if (Date.now() > deadline) throw new Error(`waitForFunction: not true within ${timeoutMs} ms${lastError}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    addInitScript() {
      return Promise.reject(new Error('webkit: WebDriver classic has no init scripts (see limits.ts)'));
    },
    goto: (url) => windows.inWindow(handle, () => session.navigate(url, START_TIMEOUT_MS)),
    close: () => windows.close(handle),
  };
}
