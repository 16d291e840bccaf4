// "debug": true: the worker says what it decided for each brokered request, and never a value.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sw/config.ts';
import { createTokenBroker } from '../../../src/sw/create-token-broker.ts';
import { MemoryGenerationStore } from '../../../src/sw/generation-store.ts';
import { FakeBackend, ORIGIN } from './fake-origin.ts';

const SECRET_QUERY = 'access_token=query-secret-123';

/** A broker over the fake backend with `debug`, its console lines collected. */
function debugBroker(debug: boolean) {
  const backend = new FakeBackend();
  backend.logIn();
  const lines: string[] = [];
  const originalDebug = console.debug;
  console.debug = (line: string) => lines.push(line);
  (globalThis as { self?: unknown }).self = { location: { origin: ORIGIN }, clients: { matchAll: async () => [] } };
  const config = resolveConfig({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, cooldownMs: 5, debug }, ORIGIN);
  const broker = createTokenBroker(config, { store: new MemoryGenerationStore(), cookies: backend.cookies, announce: () => undefined, fetch: backend.fetch });
  return { backend, broker, lines, restore: () => { console.debug = originalDebug; } };
}

describe('the debug lines', () => {
  it('say each decision (passed through, refreshing, held, replayed) with the path alone, and hold no cookie value, header value or query', async () => {
    const { backend, broker, lines, restore } = debugBroker(true);
    // Every cookie value the session had (the CSRF values stamped as headers included).
    const values = new Set(backend.jar.values());
    try {
      expect((await broker.handle(new Request(`${ORIGIN}/api/items?${SECRET_QUERY}`))).status).toBe(200);
      backend.expireAccessTokens();
      const statuses = await Promise.all([
        broker.handle(new Request(`${ORIGIN}/api/items/1?${SECRET_QUERY}`)),
        broker.handle(new Request(`${ORIGIN}/api/orders`, { method: 'POST', body: '{"card":"4111"}' })),
      ].map(async (response) => (await response).status));
      expect(statuses).toEqual([200, 200]);
      // One more while nothing is refreshing, then one held behind a refresh of the next expiry.
      await new Promise((resolve) => setTimeout(resolve, 10));
      backend.expireAccessTokens();
      const first = broker.handle(new Request(`${ORIGIN}/api/a`));
      await new Promise((resolve) => setTimeout(resolve, 0));
      for (const value of backend.jar.values()) values.add(value);
      await Promise.all([first, broker.handle(new Request(`${ORIGIN}/api/b`))]);
      for (const value of backend.jar.values()) values.add(value);
    } finally {
      restore();
    }
    expect(lines).toContain('token-broker: passed through GET /api/items (200, generation 0)');
    expect(lines).toContain('token-broker: refreshing GET /api/items/1 (401, generation 0, positive expiry)');
    expect(lines).toContain('token-broker: replayed GET /api/items/1 (200, generation 1)');
    expect(lines).toContain('token-broker: replayed POST /api/orders (200, generation 1)');
    expect(lines.some((line) => line.startsWith('token-broker: held GET /api/'))).toBe(true);
    expect(values.size).toBeGreaterThan(2);
    for (const line of lines) {
      expect(line).not.toContain('query-secret');
      expect(line).not.toContain('?');
      expect(line).not.toContain('4111');
      for (const value of values) expect(line).not.toContain(value);
    }
  });

  it('are silent without "debug"', async () => {
    const { broker, lines, restore } = debugBroker(false);
    try {
      await broker.handle(new Request(`${ORIGIN}/api/items`));
    } finally {
      restore();
    }
    expect(lines).toEqual([]);
  });
});
