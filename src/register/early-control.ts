// Taking control early: the register script's options for a page that loads without the broker's
// worker (the very first load, before the worker is installed; a shift-reload, which bypasses
// the worker by the Service Worker spec). A script tag cannot pause the app's own requests, so
// both options end in one reload of the page, which then loads under the worker:
//   data-wait-for-control  stop the page's loading at the tag, before the app's scripts run, and
//                          reload once the worker controls the page: the app's first API call
//                          is brokered. Cost: a blank page until then, and the HTML loaded twice.
//   data-reload-once       let the app run, and reload once when the worker takes control. Cost:
//                          the page loads twice (a visible flash), and requests made before the
//                          reload are not brokered (their 401s reach the app).
// Either takes a value in ms (default 5000): past it, the page is not reloaded for control.
// sessionStorage carries "reloaded once" across the reload, so a page that still loads
// uncontrolled (a bad config, a worker that failed to install) never reloads twice in a row.

export type EarlyControlMode = 'wait' | 'reload';

export interface EarlyControlOptions {
  readonly mode: EarlyControlMode;
  /** How long to wait for control before giving up (and, in 'wait' mode, reloading without it). */
  readonly timeoutMs: number;
}

export const DEFAULT_CONTROL_TIMEOUT_MS = 5_000;
const MAX_CONTROL_TIMEOUT_MS = 60_000;
export const RELOADED_FOR_CONTROL_KEY = 'token-broker:reloaded-for-control';

export type EarlyControlChoice = { options: EarlyControlOptions | undefined } | { problem: string };

/** The tag's choice: data-wait-for-control or data-reload-once, each with an optional timeout in ms. */
export function earlyControlOf(dataset: { readonly waitForControl?: string; readonly reloadOnce?: string }): EarlyControlChoice {
  const { waitForControl, reloadOnce } = dataset;
  if (waitForControl !== undefined && reloadOnce !== undefined) {
    return { problem: 'data-wait-for-control and data-reload-once exclude each other; neither is applied' };
  }
  const mode: EarlyControlMode | undefined = waitForControl !== undefined ? 'wait' : reloadOnce !== undefined ? 'reload' : undefined;
  if (!mode) return { options: undefined };
  const value = (mode === 'wait' ? waitForControl : reloadOnce) ?? '';
  if (value === '') return { options: { mode, timeoutMs: DEFAULT_CONTROL_TIMEOUT_MS } };
  const timeoutMs = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(timeoutMs >= 1 && timeoutMs <= MAX_CONTROL_TIMEOUT_MS)) {
    const name = mode === 'wait' ? 'data-wait-for-control' : 'data-reload-once';
    return { problem: `${name} must be empty or a number of ms from 1 to ${MAX_CONTROL_TIMEOUT_MS}; it is not applied` };
  }
  return { options: { mode, timeoutMs } };
}

/** What taking control early needs from the page; the browser's own by default (see pageControls). */
export interface PageControls {
  isControlled(): boolean;
  /** Calls `listener` when the page becomes controlled. */
  onControlled(listener: () => void): void;
  /** Stops the document's loading where it is: the app's scripts after the tag never run. */
  stopLoading(): void;
  reload(): void;
  /** sessionStorage, or undefined where it is unavailable (then no option is applied: no loop guard). */
  readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  setTimeout(callback: () => void, ms: number): void;
  warn(line: string): void;
}

/** Call giveUp when the broker will not control this load (registration or install failed). */
export interface EarlyControl {
  giveUp(reason: string): void;
}

const NO_CONTROL: EarlyControl = { giveUp: () => undefined };

export function takeControlEarly(options: EarlyControlOptions, page: PageControls): EarlyControl {
  const { storage } = page;
  let reloadedBefore: boolean;
  try {
    if (!storage) throw new Error('no sessionStorage');
    reloadedBefore = storage.getItem(RELOADED_FOR_CONTROL_KEY) !== null;
    storage.removeItem(RELOADED_FOR_CONTROL_KEY);
  } catch {
    page.warn('token-broker: sessionStorage is unavailable, so the page is not reloaded for control (no guard against a reload loop)');
    return NO_CONTROL;
  }
  if (page.isControlled()) return NO_CONTROL;
  if (reloadedBefore) {
    page.warn('token-broker: the page is still not controlled after one reload; it runs without the broker until its next load');
    return NO_CONTROL;
  }

  if (options.mode === 'wait') page.stopLoading();
  let settled = false;
  const reloadOnce = (): void => {
    if (settled) return;
    settled = true;
    try {
      storage.setItem(RELOADED_FOR_CONTROL_KEY, String(Date.now()));
    } catch {
      // Without the mark a second uncontrolled load would reload again: do not reload at all,
      // unless the page was stopped and must load somehow.
      if (options.mode === 'reload') return;
    }
    page.reload();
  };
  const giveUp = (reason: string): void => {
    if (settled) return;
    if (options.mode === 'reload') {
      // The app is running: leave it alone.
      settled = true;
      return;
    }
    page.warn(`token-broker: ${reason}; the page loads again without waiting for the broker`);
    reloadOnce();
  };
  page.onControlled(() => {
    if (page.isControlled()) reloadOnce();
  });
  page.setTimeout(() => giveUp(`the page was not controlled within ${options.timeoutMs} ms`), options.timeoutMs);
  return { giveUp };
}

/** The browser's own page controls. */
export function pageControls(): PageControls {
  let storage: Storage | undefined;
  try {
    storage = window.sessionStorage;
  } catch {
    storage = undefined;
  }
  return {
    isControlled: () => navigator.serviceWorker.controller !== null,
    onControlled: (listener) => navigator.serviceWorker.addEventListener('controllerchange', listener),
    stopLoading: () => window.stop(),
    reload: () => location.reload(),
    storage,
    setTimeout: (callback, ms) => void window.setTimeout(callback, ms),
    warn: (line) => console.warn(line),
  };
}
