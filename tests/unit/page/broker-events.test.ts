import { afterEach, describe, expect, it } from 'vitest';
import { onRefreshed, onRefreshFailed, onSessionExpired, type Unsubscribe } from '../../../src/page/broker-events.ts';
import { TAB_CHANNEL_NAME } from '../../../src/sw/tab-messages.ts';

// The worker's side: a channel of its own, as in tab-messages.ts (a channel never hears itself).
const worker = new BroadcastChannel(TAB_CHANNEL_NAME);
const subscriptions: Unsubscribe[] = [];
afterEach(() => {
  for (const end of subscriptions.splice(0)) end();
});

function heardBy(): { heard: string[]; subscribeAll(options?: { namespace?: string }): void } {
  const heard: string[] = [];
  return {
    heard,
    subscribeAll(options) {
      subscriptions.push(
        onSessionExpired(() => heard.push('session-expired'), options),
        onRefreshed(({ generation }) => heard.push(`refreshed ${generation}`), options),
        onRefreshFailed(({ reason }) => heard.push(`refresh-failed ${reason}`), options),
      );
    },
  };
}

/** Resolves after every message posted before it has been delivered (one channel, in order). */
async function delivered(): Promise<void> {
  const marker = new BroadcastChannel(TAB_CHANNEL_NAME);
  const seen = new Promise<void>((resolve) => {
    marker.onmessage = () => resolve();
  });
  const probe = new BroadcastChannel(TAB_CHANNEL_NAME);
  probe.postMessage({ type: 'probe' });
  await seen;
  marker.close();
  probe.close();
  // The helper's channel was created before the marker's: it got the earlier messages first.
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('the page helper\'s callbacks', () => {
  it('call each callback once per announcement, with what the announcement says, and nothing for other messages', async () => {
    const { heard, subscribeAll } = heardBy();
    subscribeAll();
    worker.postMessage({ type: 'refreshed', generation: 3 });
    worker.postMessage({ type: 'refresh-failed', reason: 'status 503' });
    worker.postMessage({ type: 'session-expired' });
    worker.postMessage({ type: 'token-broker:read-cookies', names: ['x'] });
    worker.postMessage('session-expired');
    worker.postMessage(null);
    worker.postMessage({ type: 'refreshed', generation: 'x' });
    await expect.poll(() => heard).toEqual(['refreshed 3', 'refresh-failed status 503', 'session-expired']);
    await delivered();
    expect(heard).toEqual(['refreshed 3', 'refresh-failed status 503', 'session-expired']);
  });

  it('stop calling a callback after its unsubscribe, and keep the others', async () => {
    const kept: number[] = [];
    const ended: number[] = [];
    subscriptions.push(onRefreshed(({ generation }) => kept.push(generation)));
    const end = onRefreshed(({ generation }) => ended.push(generation));
    worker.postMessage({ type: 'refreshed', generation: 1 });
    await expect.poll(() => ended).toEqual([1]);
    end();
    end(); // twice is harmless
    worker.postMessage({ type: 'refreshed', generation: 2 });
    await expect.poll(() => kept).toEqual([1, 2]);
    await delivered();
    expect(ended).toEqual([1]);
  });

  it('listen on the channel of the namespace they are given, and only there', async () => {
    const { heard, subscribeAll } = heardBy();
    subscribeAll({ namespace: 'shop' });
    const namespaced = new BroadcastChannel('token-broker:shop');
    worker.postMessage({ type: 'session-expired' });
    namespaced.postMessage({ type: 'refreshed', generation: 9 });
    await expect.poll(() => heard).toEqual(['refreshed 9']);
    await delivered();
    expect(heard).toEqual(['refreshed 9']);
    namespaced.close();
  });
});
