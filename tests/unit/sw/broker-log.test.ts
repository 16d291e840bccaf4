import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UseStore } from 'idb-keyval';
import { BrokerLife } from '../../../src/sw/broker-life.ts';
import { brokerLog, createBrokerLog, LOG_CHANNEL_NAME, type BrokerLogLine } from '../../../src/sw/broker-log.ts';
import { IdbGenerationStore } from '../../../src/sw/generation-store.ts';
import { broadcastToTabs } from '../../../src/sw/tab-messages.ts';

const channels: BroadcastChannel[] = [];

/** What a page listening on 'token-broker-log' hears. */
function listenLikeAPage(): BrokerLogLine[] {
  const channel = new BroadcastChannel(LOG_CHANNEL_NAME);
  channels.push(channel);
  const heard: BrokerLogLine[] = [];
  channel.onmessage = (event: MessageEvent<BrokerLogLine>) => heard.push(event.data);
  return heard;
}

afterEach(() => {
  for (const channel of channels.splice(0)) channel.close();
  vi.restoreAllMocks();
});

describe('the broker log', () => {
  it('says each line on the console at its level and posts it, with its level, on BroadcastChannel token-broker-log', async () => {
    const heard = listenLikeAPage();
    const said: [string, string][] = [];
    const log = createBrokerLog({
      debug: (line: string) => said.push(['debug', line]),
      info: (line: string) => said.push(['info', line]),
      warn: (line: string) => said.push(['warn', line]),
      error: (line: string) => said.push(['error', line]),
    });

    log.info('token-broker: one');
    log.warn('token-broker: two');
    log.error('token-broker: three');

    expect(said).toEqual([['info', 'token-broker: one'], ['warn', 'token-broker: two'], ['error', 'token-broker: three']]);
    await expect.poll(() => heard).toEqual([
      { level: 'info', line: 'token-broker: one' },
      { level: 'warn', line: 'token-broker: two' },
      { level: 'error', line: 'token-broker: three' },
    ]);
  });

  it('carries the worker\'s own lines by default: a refresh outcome, a config that cannot be loaded, storage that fails', async () => {
    const heard = listenLikeAPage();
    vi.spyOn(console, 'info').mockImplementation(() => undefined);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);

    broadcastToTabs()({ type: 'refreshed', generation: 3 });
    const failingDatabase: UseStore = () => Promise.reject(new DOMException('No objectStore named state', 'NotFoundError'));
    await new IdbGenerationStore(failingDatabase).read();
    const life = new BrokerLife({
      workerUrl: 'https://app.example/token-broker-sw.js?config=/token-broker.json',
      database: failingDatabase,
      fetch: (async () => new Response('missing', { status: 404 })) as typeof fetch,
      build: () => () => undefined,
    });
    await life.install().catch(() => undefined);

    await expect.poll(() => heard.map((entry) => `${entry.level} ${entry.line}`)).toEqual([
      'info token-broker: refreshed, credential generation 3',
      expect.stringMatching(/^warn token-broker: IndexedDB is unavailable/),
      expect.stringMatching(/^error token-broker: could not load the config from https:\/\/app\.example\/token-broker\.json/),
    ]);
  });

  it('says a line on the console even where BroadcastChannel is missing', () => {
    vi.stubGlobal('BroadcastChannel', undefined);
    const said: string[] = [];
    try {
      createBrokerLog({ debug: () => undefined, info: (line: string) => said.push(line), warn: () => undefined, error: () => undefined }).info('token-broker: alone');
    } finally {
      vi.unstubAllGlobals();
    }
    expect(said).toEqual(['token-broker: alone']);
    expect(typeof brokerLog.info).toBe('function');
  });
});
