import { describe, expect, it } from 'vitest';
import { MAX_SERVER_EVENTS, ServerEventLog, type ServerEvent } from '../../../src/server/event-log.ts';
import { makeClient } from './helpers.ts';

async function eventsOf(client: ReturnType<typeof makeClient>): Promise<ServerEvent[]> {
  return ((await (await client.request('/__demo/events')).json()) as { events: ServerEvent[] }).events;
}

function mark(client: ReturnType<typeof makeClient>, label: unknown): Promise<Response> {
  return client.request('/__demo/mark', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ label }) });
}

describe('the server event log (GET /__demo/events, POST /__demo/mark)', () => {
  it('records a refresh start and end around a delayed refresh, and a mark set while it was held, in order', async () => {
    let clock = 1_000;
    const client = makeClient({ refreshDelayMs: 500, now: () => clock });
    await client.login();
    const refreshing = client.refresh();
    while ((await eventsOf(client)).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    clock = 2_000;
    const marked = (await (await mark(client, 'tab closed')).json()) as ServerEvent;
    expect((await refreshing).status).toBe(200);

    const events = await eventsOf(client);
    expect(events.map(({ kind, status, label }) => ({ kind, status, label }))).toEqual([
      { kind: 'refresh-started', status: undefined, label: undefined },
      { kind: 'mark', status: undefined, label: 'tab closed' },
      { kind: 'refresh-ended', status: 200, label: undefined },
    ]);
    expect(marked).toEqual(events[1]);
    expect(events.map((event) => event.seq)).toEqual([1, 2, 3]);
    expect(events[0]?.atMs).toBe(1_000);
  });

  it('records each API request at its arrival, with its status once answered and no query', async () => {
    const client = makeClient();
    await client.login();
    await client.request('/api/items?n=3');
    await client.request('/__demo/expire', { method: 'POST' });
    await client.request('/api/whoami');

    const api = (await eventsOf(client)).filter((event) => event.kind === 'api');
    expect(api.map(({ method, path, status }) => ({ method, path, status }))).toEqual([
      { method: 'GET', path: '/api/items', status: 200 },
      { method: 'GET', path: '/api/whoami', status: 401 },
    ]);
  });

  it('is cleared with the counters, and its sequence numbers keep growing', async () => {
    const client = makeClient();
    await mark(client, 'one');
    await client.request('/__demo/reset', { method: 'POST' });
    expect(await eventsOf(client)).toEqual([]);
    await mark(client, 'two');
    expect((await eventsOf(client)).map((event) => event.seq)).toEqual([2]);
  });

  it('refuses a mark without a label', async () => {
    const client = makeClient();
    expect((await mark(client, '')).status).toBe(400);
    expect((await mark(client, 42)).status).toBe(400);
    expect((await client.request('/__demo/mark', { method: 'POST', body: 'not json' })).status).toBe(400);
    expect(await eventsOf(client)).toEqual([]);
  });

  it('keeps the newest events only, beyond its bound', () => {
    const log = new ServerEventLog(() => 0);
    for (let i = 0; i < MAX_SERVER_EVENTS + 5; i += 1) log.record('mark', { label: String(i) });
    const kept = log.list();
    expect(kept).toHaveLength(MAX_SERVER_EVENTS);
    expect(kept[0]?.seq).toBe(6);
  });
});
