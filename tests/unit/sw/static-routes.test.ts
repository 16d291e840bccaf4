import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../../src/sw/config.ts';
import { addBrokerRoutes, brokerRouterRules, escapePattern, type RouterRule } from '../../../src/sw/static-routes.ts';

const ORIGIN = 'https://app.example';
const CONFIG = resolveConfig({
  preset: 'flask-jwt-extended', api: ['/api/', 'https://api.example:8443/v1(beta)/'], refresh: { url: '/token/refresh' },
}, ORIGIN);

afterEach(() => vi.restoreAllMocks());

describe('brokerRouterRules: what may be brokered wakes the worker, the rest goes to the network', () => {
  it('sends every API prefix and the refresh URL to the fetch event, first, and everything else to the network', () => {
    expect(brokerRouterRules(CONFIG)).toEqual([
      {
        condition: {
          or: [
            { urlPattern: { protocol: 'https', hostname: 'app.example', port: '', pathname: '/api/*' } },
            { urlPattern: { protocol: 'https', hostname: 'api.example', port: '8443', pathname: '/v1\\(beta\\)/*' } },
            { urlPattern: { protocol: 'https', hostname: 'app.example', port: '', pathname: '/token/refresh' } },
          ],
        },
        source: 'fetch-event',
      },
      { condition: { urlPattern: { protocol: '*', hostname: '*', port: '*', pathname: '*' } }, source: 'network' },
    ]);
  });

  it('escapes every URLPattern syntax character of a literal, so that no prefix becomes a wildcard or a group', () => {
    expect(escapePattern('/a*b?c:d{e}f(g)h+i\\j')).toBe('/a\\*b\\?c\\:d\\{e\\}f\\(g\\)h\\+i\\\\j');
  });

  it('gives no rules when the prefixes would pass the browser\'s 1024 conditions: the worker then sees everything', () => {
    const many = resolveConfig({
      preset: 'flask-jwt-extended', api: Array.from({ length: 1030 }, (_, i) => `/api-${i}/`), refresh: { url: '/token/refresh' },
    }, ORIGIN);
    expect(brokerRouterRules(many)).toBeUndefined();
  });
});

describe('addBrokerRoutes: static routing where it exists, never a failed install', () => {
  it('adds the rules once where the install event has addRoutes', async () => {
    const added: RouterRule[][] = [];
    const event = { addRoutes: async (rules: readonly RouterRule[]) => { added.push([...rules]); } };
    expect(await addBrokerRoutes(event, CONFIG)).toBe(true);
    expect(added).toEqual([brokerRouterRules(CONFIG)]);
  });

  it('does nothing where the browser has no static routing (Firefox, WebKit)', async () => {
    expect(await addBrokerRoutes({}, CONFIG)).toBe(false);
  });

  it('resolves, with one warning, when the browser refuses the rules', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const event = { addRoutes: () => Promise.reject(new TypeError('invalid router rule')) };
    expect(await addBrokerRoutes(event, CONFIG)).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('invalid router rule');
  });

  it('resolves when addRoutes throws instead of rejecting', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const event = { addRoutes: () => { throw new DOMException('not active', 'InvalidStateError'); } };
    expect(await addBrokerRoutes(event, CONFIG)).toBe(false);
  });
});
