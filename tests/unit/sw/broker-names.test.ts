import { describe, expect, it } from 'vitest';
import { brokerNames, namespaceOfScope } from '../../../src/sw/broker-names.ts';
import { createTokenBroker } from '../../../src/sw/create-token-broker.ts';
import { resolveConfig } from '../../../src/sw/config.ts';
import { MemoryGenerationStore } from '../../../src/sw/generation-store.ts';
import { FakeBackend, ORIGIN } from './fake-origin.ts';

describe('broker names', () => {
  it('the scope "/" keeps the names of the versions before namespaces, so an updated broker keeps its stored generation', () => {
    expect(namespaceOfScope(`${ORIGIN}/`)).toBe('');
    expect(brokerNames('')).toEqual({ database: 'token-broker', lock: 'token-broker-refresh', channel: 'token-broker' });
  });

  it('another scope gets names of its own, derived from its path', () => {
    expect(namespaceOfScope(`${ORIGIN}/app/`)).toBe('app');
    expect(namespaceOfScope(`${ORIGIN}/shop/admin/`)).toBe('shop/admin');
    expect(brokerNames('app')).toEqual({ database: 'token-broker:app', lock: 'token-broker-refresh:app', channel: 'token-broker:app' });
  });

  it('the broker of a scope takes its lock under its own name, and a config\'s namespace wins over the scope', async () => {
    for (const [scope, namespace, lock] of [[`${ORIGIN}/app/`, undefined, 'token-broker-refresh:app'], [`${ORIGIN}/app/`, 'shop', 'token-broker-refresh:shop'], [`${ORIGIN}/`, undefined, 'token-broker-refresh']] as const) {
      const backend = new FakeBackend();
      backend.logIn();
      const taken: string[] = [];
      const locks = { request: (name: string, _options: unknown, task: () => Promise<unknown>) => { taken.push(name); return task(); } } as unknown as LockManager;
      (globalThis as { self?: unknown }).self = { registration: { scope }, clients: { matchAll: async () => [] } };
      const config = resolveConfig({ preset: 'flask-jwt-extended', api: ['/api/'], refresh: { url: '/token/refresh' }, ...(namespace === undefined ? {} : { namespace }) }, ORIGIN);
      const broker = createTokenBroker(config, { store: new MemoryGenerationStore(), cookies: backend.cookies, locks, announce: () => undefined, fetch: backend.fetch });
      backend.expireAccessTokens();
      expect((await broker.handle(new Request(`${ORIGIN}/api/items`))).status).toBe(200);
      expect(taken).toEqual([lock]);
    }
  });
});
