import { describe, expect, it } from 'vitest';
import type { CredentialGeneration } from '../../../src/sw/generation-store.ts';
import { LifetimeLearner } from '../../../src/sw/lifetime-learner.ts';

const REFRESH_AHEAD_MS = 1_000;
const COOLDOWN_MS = 1_000;
const BORN_AT_MS = 1_000_000;

function setup() {
  const clock = { nowMs: BORN_AT_MS };
  const learner = new LifetimeLearner({ refreshAheadMs: REFRESH_AHEAD_MS, cooldownMs: COOLDOWN_MS, now: () => clock.nowMs });
  return { clock, learner };
}

/** The record of generation 1, begun by a refresh sent at `sentAtMs` and answered 50 ms later. */
function refreshedAt(sentAtMs: number, extra: Partial<CredentialGeneration> = {}): CredentialGeneration {
  return { generation: 1, refreshSentAtMs: sentAtMs, refreshedAtMs: sentAtMs + 50, ...extra };
}

describe('LifetimeLearner', () => {
  it('measures a lifetime from the refresh that began a generation to its first expiry, on the short side of both', () => {
    const { learner } = setup();
    const record = refreshedAt(BORN_AT_MS + 100);
    learner.answeredAlive(1, BORN_AT_MS + 10_000);
    learner.answeredAlive(1, BORN_AT_MS + 10_050); // the last request that succeeded
    learner.expiryAnswered(record, 1, BORN_AT_MS + 10_100, BORN_AT_MS + 10_130);
    // Alive when sent at +10 050, issued by the answer at +150: at least 9 900 ms.
    expect(learner.lifetimeToRecord(record)).toBe(9_900);
  });

  it('keeps the shortest lifetime measured', () => {
    const { learner } = setup();
    const record = refreshedAt(BORN_AT_MS + 100, { lifetimeMs: 8_000 });
    learner.answeredAlive(1, BORN_AT_MS + 10_050);
    learner.expiryAnswered(record, 1, BORN_AT_MS + 10_100, BORN_AT_MS + 10_130);
    expect(learner.lifetimeToRecord(record)).toBe(8_000);
    expect(learner.lifetimeToRecord({ ...record, lifetimeMs: 12_000 })).toBe(9_900);
  });

  it('learns nothing from an expiry it cannot place within refreshAheadMs (a page that slept through it)', () => {
    const { learner } = setup();
    const record = refreshedAt(BORN_AT_MS + 100);
    learner.answeredAlive(1, BORN_AT_MS + 2_000);
    learner.expiryAnswered(record, 1, BORN_AT_MS + 60_000, BORN_AT_MS + 60_030);
    expect(learner.lifetimeToRecord(record)).toBeUndefined();
  });

  it('learns nothing from an expiry with no success before it, nor from a lifetime too short to refresh ahead of', () => {
    const first = setup();
    const record = refreshedAt(BORN_AT_MS + 100);
    first.learner.expiryAnswered(record, 1, BORN_AT_MS + 5_000, BORN_AT_MS + 5_030);
    expect(first.learner.lifetimeToRecord(record)).toBeUndefined();

    const second = setup();
    second.learner.answeredAlive(1, BORN_AT_MS + 1_900); // dies 1.8 s in: within refreshAheadMs + cooldownMs
    second.learner.expiryAnswered(record, 1, BORN_AT_MS + 1_950, BORN_AT_MS + 1_960);
    expect(second.learner.lifetimeToRecord(record)).toBeUndefined();
  });

  it('measures only the first expiry of the current generation, never a late 401 of replaced credentials', () => {
    const { learner } = setup();
    const record = refreshedAt(BORN_AT_MS + 100);
    learner.answeredAlive(1, BORN_AT_MS + 10_050);
    learner.expiryAnswered({ ...record, generation: 2 }, 1, BORN_AT_MS + 10_100, BORN_AT_MS + 10_130);
    expect(learner.lifetimeToRecord(record)).toBeUndefined();
    learner.expiryAnswered(record, 1, BORN_AT_MS + 10_100, BORN_AT_MS + 10_130);
    learner.answeredAlive(1, BORN_AT_MS + 10_500);
    learner.expiryAnswered(record, 1, BORN_AT_MS + 10_600, BORN_AT_MS + 10_630);
    expect(learner.lifetimeToRecord(record)).toBe(9_900);
  });

  it('measures nothing from a generation another worker began before this one started (another clock)', () => {
    const { learner } = setup();
    const record = refreshedAt(BORN_AT_MS - 3_000);
    learner.answeredAlive(1, BORN_AT_MS + 6_000);
    learner.expiryAnswered(record, 1, BORN_AT_MS + 6_100, BORN_AT_MS + 6_130);
    expect(learner.lifetimeToRecord(record)).toBeUndefined();
  });

  it('starts a login\'s generation at the cookie change, and ignores successes sent before it', () => {
    const { clock, learner } = setup();
    const record: CredentialGeneration = { generation: 0, refreshedAtMs: 0 };
    learner.answeredAlive(0, BORN_AT_MS + 400); // the previous login's credentials
    clock.nowMs = BORN_AT_MS + 500;
    learner.credentialsIssued(record);
    learner.expiryAnswered(record, 0, BORN_AT_MS + 600, BORN_AT_MS + 610); // sent before anything succeeded: nothing to bracket it
    expect(learner.lifetimeToRecord(record)).toBeUndefined();

    clock.nowMs = BORN_AT_MS + 700;
    learner.credentialsIssued(record); // a second login
    learner.answeredAlive(0, BORN_AT_MS + 8_600);
    learner.expiryAnswered(record, 0, BORN_AT_MS + 8_700, BORN_AT_MS + 8_720);
    expect(learner.lifetimeToRecord(record)).toBe(7_900);
  });

  it('takes a cookie change just after its own refresh for that refresh, not for a login', () => {
    const { clock, learner } = setup();
    const record = refreshedAt(BORN_AT_MS + 100, { lifetimeMs: 9_000 });
    clock.nowMs = BORN_AT_MS + 400;
    learner.credentialsIssued(record);
    expect(learner.predictedExpiryMs(record, 1)).toBe(BORN_AT_MS + 100 + 9_000);
    clock.nowMs = BORN_AT_MS + 5_000;
    learner.credentialsIssued(record); // a login 5 s later
    expect(learner.predictedExpiryMs(record, 1)).toBe(BORN_AT_MS + 5_000 + 9_000);
  });

  it('refreshes ahead once per generation, within refreshAheadMs of the predicted expiry; others join or stamp again', () => {
    const { clock, learner } = setup();
    const record = refreshedAt(BORN_AT_MS + 100, { lifetimeMs: 9_000 });
    // Predicted expiry: sent at +100 plus 9 s = +9 100.
    clock.nowMs = BORN_AT_MS + 8_000;
    expect(learner.refreshAheadDue(record, 1, false)).toBe(false);
    clock.nowMs = BORN_AT_MS + 8_200;
    expect(learner.refreshAheadDue(record, 1, false)).toBe(true);
    expect(learner.refreshAheadDue(record, 1, true)).toBe(true); // joins the refresh in flight
    expect(learner.refreshAheadDue(record, 1, false)).toBe(false); // it did not refresh: not again
    expect(learner.refreshAheadDue({ ...record, generation: 2 }, 1, false)).toBe(true); // it did: stamp again
  });

  it('does not spend its one refresh ahead within cooldownMs of the last refresh, where the coordinator would hold it', () => {
    const { clock, learner } = setup();
    // Lifetime 2 s: the predicted expiry is within refreshAheadMs from 1 s after the refresh was
    // sent, 950 ms after its answer: still in the cooldown.
    const record = refreshedAt(BORN_AT_MS + 100, { lifetimeMs: 2_000 });
    clock.nowMs = BORN_AT_MS + 1_100;
    expect(learner.refreshAheadDue(record, 1, false)).toBe(false);
    clock.nowMs = BORN_AT_MS + 1_150;
    expect(learner.refreshAheadDue(record, 1, false)).toBe(true);
  });

  it('refreshes ahead of nothing it cannot place: no lifetime, one too short, or a start in the future (a clock stepped back)', () => {
    const { clock, learner } = setup();
    clock.nowMs = BORN_AT_MS + 50_000;
    expect(learner.refreshAheadDue(refreshedAt(BORN_AT_MS + 100), 1, false)).toBe(false);
    expect(learner.refreshAheadDue(refreshedAt(BORN_AT_MS + 100, { lifetimeMs: 1_500 }), 1, false)).toBe(false);
    expect(learner.predictedExpiryMs(refreshedAt(BORN_AT_MS + 60_000, { lifetimeMs: 9_000 }), 1)).toBeUndefined();
  });

  it('predicts from a record another worker wrote: a restarted worker keeps what was learned', () => {
    const { clock, learner } = setup();
    const record = refreshedAt(BORN_AT_MS - 5_000, { lifetimeMs: 9_000 });
    clock.nowMs = BORN_AT_MS + 3_500;
    expect(learner.refreshAheadDue(record, 1, false)).toBe(true);
  });
});
