import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sw/config.ts';
import type { CookieReader } from '../../../src/sw/cookie-credentials.ts';
import { MemoryGenerationStore } from '../../../src/sw/generation-store.ts';

// workbox-routing, which install-token-broker.ts imports, reads the worker's `self` when loaded.
(globalThis as { self?: unknown }).self ??= globalThis;
const { createTokenBroker } = await import('../../../src/sw/install-token-broker.ts');

const ORIGIN = 'https://app.example';

describe('createTokenBroker', () => {
  it('stamps from the cookie, and requests that arrive together share cookie reads', async () => {
    let reads = 0;
    const cookies: CookieReader = {
      get: async (name) => {
        reads += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return name === 'csrf_access_token' ? { value: 'csrf-1' } : null;
      },
    };
    const stamped: (string | null)[] = [];
    const broker = createTokenBroker(
      resolveConfig({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' } }, ORIGIN),
      {
        store: new MemoryGenerationStore(),
        cookies,
        announce: () => undefined,
        fetch: (async (input: RequestInfo | URL) => {
          stamped.push((input as Request).headers.get('X-CSRF-TOKEN'));
          return new Response('ok');
        }) as typeof fetch,
      },
    );
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => broker.handle(new Request(`${ORIGIN}/api/items/${i}`))));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(stamped).toEqual(Array.from({ length: 10 }, () => 'csrf-1'));
    // One read for the first request, one shared by the nine that asked while it was in flight.
    expect(reads).toBe(2);
  });
});
