import { describe, expect, it } from 'vitest';
import { HeldBodyBudget } from '../../../src/sw/held-body-budget.ts';
import { captureRequest } from '../../../src/sw/replayable-request.ts';

const URL_ = 'https://app.example/api/upload';
const put = (size: number) => new Request(URL_, { method: 'PUT', body: 'x'.repeat(size) });

describe('HeldBodyBudget', () => {
  it('holds bodies while they fit, and gives each one\'s bytes back once, however often it is released', () => {
    const budget = new HeldBodyBudget(100);
    const first = budget.tryHold(60);
    expect(first).toBeDefined();
    expect(budget.tryHold(41)).toBeUndefined();
    const second = budget.tryHold(40)!;
    expect(budget.heldBytes).toBe(100);
    first!();
    first!();
    expect(budget.heldBytes).toBe(40);
    second();
    expect(budget.heldBytes).toBe(0);
  });
});

describe('captureRequest with a budget', () => {
  it('keeps a body within the bound and the budget for a replay, and sends the next one once, as it came', async () => {
    const budget = new HeldBodyBudget(150);
    const held = await captureRequest(put(100), 100, budget);
    const beyond = await captureRequest(put(100), 100, budget);
    expect(held.replayable).toBe(true);
    expect(beyond.replayable).toBe(false);
    expect(budget.heldBytes).toBe(100);
    expect(await beyond.build(new Headers(), 'follow').text()).toBe('x'.repeat(100));
    expect(() => beyond.build(new Headers(), 'follow')).toThrow('cannot be sent twice');
    held.release();
    expect(budget.heldBytes).toBe(0);
    expect((await captureRequest(put(100), 100, budget)).replayable).toBe(true);
  });

  it('takes nothing from the budget for a body over the replay bound, or a request without a body', async () => {
    const budget = new HeldBodyBudget(1_000);
    expect((await captureRequest(put(101), 100, budget)).replayable).toBe(false);
    expect((await captureRequest(new Request(URL_), 100, budget)).replayable).toBe(true);
    expect(budget.heldBytes).toBe(0);
  });
});
