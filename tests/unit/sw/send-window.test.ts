import { afterEach, describe, expect, it, vi } from 'vitest';
import { SendWindow } from '../../../src/sw/send-window.ts';

const never = new AbortController().signal;

afterEach(() => vi.useRealTimers());

describe('SendWindow', () => {
  it('lets at most its size through at once, the rest in arrival order', async () => {
    const window = new SendWindow(2);
    const order: number[] = [];
    const first = await window.acquire(never);
    const second = await window.acquire(never);
    const third = window.acquire(never).then(() => order.push(3));
    const fourth = window.acquire(never).then(() => order.push(4));
    await Promise.resolve();
    expect(order).toEqual([]);
    first.release();
    await third;
    expect(order).toEqual([3]);
    second.release();
    await fourth;
    expect(order).toEqual([3, 4]);
  });

  it('lets a waiter give up with its abort, without losing or leaking a slot', async () => {
    const window = new SendWindow(1);
    const held = await window.acquire(never);
    const controller = new AbortController();
    const gaveUp = window.acquire(controller.signal);
    controller.abort(new DOMException('the page gave up', 'AbortError'));
    await expect(gaveUp).rejects.toThrow('the page gave up');
    held.release();
    // The one slot is free again: exactly one acquire passes at once.
    await window.acquire(never);
    let passed = false;
    void window.acquire(never).then(() => { passed = true; });
    await Promise.resolve();
    expect(passed).toBe(false);
  });

  it('gives back the slot of a request on the wire longer than longRequestMs, once: long-polls do not stop other requests', async () => {
    vi.useFakeTimers();
    const window = new SendWindow(2, { longRequestMs: 1_000 });
    const longPolls = [await window.acquire(never), await window.acquire(never)];
    for (const slot of longPolls) slot.onTheWire();
    let passed = 0;
    const others = [window.acquire(never), window.acquire(never), window.acquire(never)].map((slot) => slot.then((s) => { passed += 1; return s; }));
    await vi.advanceTimersByTimeAsync(999);
    expect(passed).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(passed).toBe(2);
    // The long-polls' answers come later: their slots were given back already, not twice.
    for (const slot of longPolls) slot.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(passed).toBe(2);
    (await others[0]!).release();
    await others[2];
    expect(passed).toBe(3);
  });

  it('does not start counting before the request is on the wire: a slot held while waiting for a refresh stays held', async () => {
    vi.useFakeTimers();
    const window = new SendWindow(1, { longRequestMs: 1_000 });
    const waitingForRefresh = await window.acquire(never);
    let passed = false;
    void window.acquire(never).then(() => { passed = true; });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(passed).toBe(false);
    waitingForRefresh.onTheWire();
    waitingForRefresh.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(passed).toBe(true);
  });
});
