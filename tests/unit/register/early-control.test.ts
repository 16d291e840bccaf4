import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONTROL_TIMEOUT_MS,
  earlyControlOf,
  RELOADED_FOR_CONTROL_KEY,
  takeControlEarly,
  type EarlyControlOptions,
  type PageControls,
} from '../../../src/register/early-control.ts';

class FakePage implements PageControls {
  controlled = false;
  stops = 0;
  reloads = 0;
  readonly lines: string[] = [];
  readonly timers: (() => void)[] = [];
  readonly #listeners: (() => void)[] = [];
  readonly store = new Map<string, string>();
  storage: PageControls['storage'] = {
    getItem: (key: string) => this.store.get(key) ?? null,
    setItem: (key: string, value: string) => void this.store.set(key, value),
    removeItem: (key: string) => void this.store.delete(key),
  };
  isControlled = () => this.controlled;
  onControlled = (listener: () => void) => void this.#listeners.push(listener);
  stopLoading = () => void (this.stops += 1);
  reload = () => void (this.reloads += 1);
  setTimeout = (callback: () => void) => void this.timers.push(callback);
  warn = (line: string) => void this.lines.push(line);
  take(): void {
    this.controlled = true;
    for (const listener of this.#listeners) listener();
  }
  /** The page after its reload: the same tab's sessionStorage, nothing else. */
  next(controlled: boolean): FakePage {
    const page = new FakePage();
    for (const [key, value] of this.store) page.store.set(key, value);
    page.controlled = controlled;
    return page;
  }
}

const WAIT: EarlyControlOptions = { mode: 'wait', timeoutMs: 5_000 };
const RELOAD: EarlyControlOptions = { mode: 'reload', timeoutMs: 5_000 };

describe('earlyControlOf', () => {
  it('reads the two attributes, with the default wait or one in ms, and refuses both at once or a bad number', () => {
    expect(earlyControlOf({})).toEqual({ options: undefined });
    expect(earlyControlOf({ waitForControl: '' })).toEqual({ options: { mode: 'wait', timeoutMs: DEFAULT_CONTROL_TIMEOUT_MS } });
    expect(earlyControlOf({ reloadOnce: '2500' })).toEqual({ options: { mode: 'reload', timeoutMs: 2500 } });
    expect(earlyControlOf({ waitForControl: '', reloadOnce: '' })).toEqual({ problem: expect.stringMatching(/exclude each other/) });
    for (const bad of ['0', '-1', '1e3', '60001', 'soon']) {
      expect(earlyControlOf({ waitForControl: bad })).toEqual({ problem: expect.stringMatching(/^data-wait-for-control must be/) });
    }
  });
});

describe('takeControlEarly', () => {
  it('wait: stops the page at once and reloads it once the worker controls it; the reloaded page does nothing', () => {
    const page = new FakePage();
    takeControlEarly(WAIT, page);
    expect(page.stops).toBe(1);
    expect(page.reloads).toBe(0);
    page.take();
    page.take();
    expect(page.reloads).toBe(1);
    const after = page.next(true);
    takeControlEarly(WAIT, after);
    expect([after.stops, after.reloads]).toEqual([0, 0]);
    // The mark is used up: a later shift-reload of this tab waits again.
    expect(after.store.has(RELOADED_FOR_CONTROL_KEY)).toBe(false);
  });

  it('wait: a failed install or the timeout reloads the stopped page once, and the reloaded page runs without waiting', () => {
    const page = new FakePage();
    const control = takeControlEarly(WAIT, page);
    control.giveUp('the worker did not install');
    page.timers[0]!();
    expect(page.reloads).toBe(1);
    expect(page.lines).toEqual([expect.stringMatching(/did not install; the page loads again without waiting/)]);
    const after = page.next(false);
    takeControlEarly(WAIT, after);
    expect([after.stops, after.reloads]).toEqual([0, 0]);
    expect(after.lines).toEqual([expect.stringMatching(/still not controlled after one reload/)]);
  });

  it('reload: lets the page run, reloads once when it is taken, never after the timeout', () => {
    const page = new FakePage();
    takeControlEarly(RELOAD, page);
    expect(page.stops).toBe(0);
    page.take();
    expect(page.reloads).toBe(1);

    const late = new FakePage();
    takeControlEarly(RELOAD, late).giveUp('failed');
    late.timers[0]!();
    late.take();
    expect([late.stops, late.reloads]).toEqual([0, 0]);
  });

  it('does nothing on a controlled page, or without sessionStorage (no guard against a loop)', () => {
    const controlled = new FakePage();
    controlled.controlled = true;
    takeControlEarly(WAIT, controlled);
    expect([controlled.stops, controlled.reloads]).toEqual([0, 0]);

    const noStorage = new FakePage();
    noStorage.storage = undefined;
    takeControlEarly(WAIT, noStorage);
    noStorage.take();
    expect([noStorage.stops, noStorage.reloads]).toEqual([0, 0]);
    expect(noStorage.lines).toEqual([expect.stringMatching(/sessionStorage is unavailable/)]);
  });
});
