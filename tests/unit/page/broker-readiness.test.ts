import { describe, expect, it } from 'vitest';
import { ready, type ReadinessSources } from '../../../src/page/broker-readiness.ts';
import { REGISTRATION_STATE_ATTRIBUTE, REGISTRATION_STATE_EVENT, type RegistrationState } from '../../../src/register/registration-state.ts';

class FakeContainer extends EventTarget {
  controller: ServiceWorker | null = null;
  take(): void {
    this.controller = {} as ServiceWorker;
    this.dispatchEvent(new Event('controllerchange'));
  }
}

class FakeTag extends EventTarget {
  #state: string | null = null;
  getAttribute(name: string): string | null {
    return name === REGISTRATION_STATE_ATTRIBUTE ? this.#state : null;
  }
  say(state: RegistrationState): void {
    this.#state = state;
    this.dispatchEvent(new Event(REGISTRATION_STATE_EVENT));
  }
}

interface FakeClock {
  fire(): void;
  pending(): number;
}

function sources(container: FakeContainer | undefined, tag?: FakeTag): ReadinessSources & FakeClock {
  const timers = new Set<() => void>();
  return {
    serviceWorker: container,
    registerTag: tag,
    setTimeout: (callback) => {
      timers.add(callback);
      return callback;
    },
    clearTimeout: (handle) => void timers.delete(handle as () => void),
    fire: () => {
      for (const callback of [...timers]) callback();
    },
    pending: () => timers.size,
  };
}

describe('ready()', () => {
  it('says "unsupported" at once where there are no service workers', async () => {
    await expect(ready({}, sources(undefined))).resolves.toEqual({ controlled: false, reason: 'unsupported' });
  });

  it('resolves at once on a controlled page', async () => {
    const container = new FakeContainer();
    container.controller = {} as ServiceWorker;
    await expect(ready({}, sources(container))).resolves.toEqual({ controlled: true });
  });

  it('waits for the worker to take the page, then stops waiting (no timer left)', async () => {
    const container = new FakeContainer();
    const tag = new FakeTag();
    tag.say('registering');
    const clock = sources(container, tag);
    const readiness = ready({}, clock);
    container.take();
    await expect(readiness).resolves.toEqual({ controlled: true });
    expect(clock.pending()).toBe(0);
  });

  it('says "failed" when the register script says its worker did not install, and "refused" for a refused tag', async () => {
    const container = new FakeContainer();
    const tag = new FakeTag();
    tag.say('registering');
    const readiness = ready({}, sources(container, tag));
    tag.say('failed');
    await expect(readiness).resolves.toEqual({ controlled: false, reason: 'failed' });

    const refused = new FakeTag();
    refused.say('refused');
    await expect(ready({}, sources(container, refused))).resolves.toEqual({ controlled: false, reason: 'refused' });
  });

  it('says "timeout" when nothing happened within the wait, without a register tag too', async () => {
    const clock = sources(new FakeContainer());
    const readiness = ready({ timeoutMs: 50 }, clock);
    clock.fire();
    await expect(readiness).resolves.toEqual({ controlled: false, reason: 'timeout' });
  });
});
