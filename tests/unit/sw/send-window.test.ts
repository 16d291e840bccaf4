import { describe, expect, it } from 'vitest';
import { SendWindow } from '../../../src/sw/send-window.ts';

describe('SendWindow', () => {
  it('lets at most its size through at once, the rest in arrival order', async () => {
    const window = new SendWindow(2);
    const order: number[] = [];
    const never = new AbortController().signal;
    await window.acquire(never);
    await window.acquire(never);
    const third = window.acquire(never).then(() => order.push(3));
    const fourth = window.acquire(never).then(() => order.push(4));
    await Promise.resolve();
    expect(order).toEqual([]);
    window.release();
    await third;
    expect(order).toEqual([3]);
    window.release();
    await fourth;
    expect(order).toEqual([3, 4]);
  });

  it('lets a waiter give up with its abort, without losing or leaking a slot', async () => {
    const window = new SendWindow(1);
    const never = new AbortController().signal;
    await window.acquire(never);
    const controller = new AbortController();
    const gaveUp = window.acquire(controller.signal);
    controller.abort(new DOMException('the page gave up', 'AbortError'));
    await expect(gaveUp).rejects.toThrow('the page gave up');
    window.release();
    // The one slot is free again: exactly one acquire passes at once.
    await window.acquire(never);
    let passed = false;
    void window.acquire(never).then(() => { passed = true; });
    await Promise.resolve();
    expect(passed).toBe(false);
  });
});
