import { afterEach, describe, expect, it } from 'vitest';
import { broadcastToTabs, TAB_CHANNEL_NAME, type TabMessage } from '../../../src/sw/tab-messages.ts';

const OUTCOMES: readonly TabMessage[] = [
  { type: 'refreshed', generation: 7 },
  { type: 'refresh-failed', reason: 'status 500' },
  { type: 'session-expired' },
];

describe('broadcastToTabs', () => {
  const channels: BroadcastChannel[] = [];
  afterEach(() => {
    for (const channel of channels.splice(0)) channel.close();
  });

  it('tells the tabs and says one console line per refresh outcome, naming the outcome and its reason', async () => {
    const tab = new BroadcastChannel(TAB_CHANNEL_NAME);
    channels.push(tab);
    const heard: unknown[] = [];
    tab.onmessage = (event: MessageEvent<unknown>) => heard.push(event.data);
    const lines: { level: 'info' | 'warn'; text: string }[] = [];
    const announce = broadcastToTabs({
      info: (text: string) => lines.push({ level: 'info', text }),
      warn: (text: string) => lines.push({ level: 'warn', text }),
    });

    for (const message of OUTCOMES) announce(message);

    expect(lines).toEqual([
      { level: 'info', text: expect.stringMatching(/^token-broker: refreshed, credential generation 7$/) },
      { level: 'warn', text: expect.stringMatching(/^token-broker: refresh failed \(status 500\)/) },
      { level: 'warn', text: expect.stringMatching(/^token-broker: session expired/) },
    ]);
    await expect.poll(() => heard).toEqual(OUTCOMES);
  });
});
