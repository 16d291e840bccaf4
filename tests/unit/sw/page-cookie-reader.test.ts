import { describe, expect, it } from 'vitest';
import { CookieReaderWithFallback, PageCookieReader, type PageMessenger } from '../../../src/sw/page-cookie-reader.ts';
import { READ_COOKIES_MESSAGE } from '../../../src/sw/page-protocol.ts';

/** Tabs that answer from their own cookie jar, as the register script does; tab i has id `tab-i`. */
function tabs(jars: (Record<string, string> | 'silent')[]): PageMessenger & { questions: unknown[] } {
  const questions: unknown[] = [];
  return {
    questions,
    windows: async () => jars.map((jar, index) => ({
      id: `tab-${index}`,
      postMessage(message: unknown, transfer: Transferable[]) {
        questions.push(message);
        const port = transfer[0] as MessagePort;
        if (jar === 'silent') return;
        const names = (message as { names: string[] }).names;
        port.postMessage({ values: Object.fromEntries(names.map((name) => [name, jar[name] ?? null])) });
      },
    })),
  };
}

describe('PageCookieReader', () => {
  it('asks the tabs for the cookie by name and takes the first answer', async () => {
    const pages = tabs(['silent', { csrf_access_token: 'abc' }]);
    expect(await new PageCookieReader(pages).get('csrf_access_token')).toEqual({ value: 'abc' });
    expect(pages.questions).toEqual([
      { type: READ_COOKIES_MESSAGE, names: ['csrf_access_token'] },
      { type: READ_COOKIES_MESSAGE, names: ['csrf_access_token'] },
    ]);
  });

  it('does not take a tab without the cookie for the answer while another tab has it', async () => {
    // A tab on another path, or one whose cookie copy lags, has no value: the first answer is not the best.
    expect(await new PageCookieReader(tabs([{}, {}, { csrf_access_token: 'abc' }])).get('csrf_access_token')).toEqual({ value: 'abc' });
    expect(await new PageCookieReader(tabs([{}, 'silent', { csrf_access_token: 'abc' }])).get('csrf_access_token')).toEqual({ value: 'abc' });
  });

  it('prefers the answer of the tab whose request is stamped, when it has the cookie', async () => {
    const pages = tabs([{ csrf_access_token: 'other-tab' }, { csrf_access_token: 'requester' }]);
    expect(await new PageCookieReader(pages).get('csrf_access_token', { clientId: 'tab-1' })).toEqual({ value: 'requester' });
    // The requester without the cookie: another tab's value, not the requester's null.
    const without = tabs([{ csrf_access_token: 'other-tab' }, {}]);
    expect(await new PageCookieReader(without).get('csrf_access_token', { clientId: 'tab-1' })).toEqual({ value: 'other-tab' });
    // A requester that is not among the tabs (a worker client, a closed tab): the first value.
    expect(await new PageCookieReader(pages).get('csrf_access_token', { clientId: 'gone' })).toEqual({ value: 'other-tab' });
  });

  it('says no cookie as soon as every tab answered without it, not at the timeout', async () => {
    // A timeout far beyond the test's own: the answer must come from the tabs having answered.
    const reader = new PageCookieReader(tabs([{}, {}]), { answerTimeoutMs: 600_000 });
    expect(await reader.get('csrf_access_token')).toBeNull();
  });

  it('says no cookie when a tab has none, when no tab answers in time, or when there is no tab', async () => {
    expect(await new PageCookieReader(tabs([{}])).get('csrf_access_token')).toBeNull();
    expect(await new PageCookieReader(tabs(['silent'])).get('csrf_access_token')).toBeNull();
    expect(await new PageCookieReader(tabs([])).get('csrf_access_token')).toBeNull();
  });
});

describe('CookieReaderWithFallback', () => {
  it('uses the Cookie Store API, and the tabs only when it sees no cookie at all', async () => {
    const pages = tabs([{ csrf_access_token: 'from-tab' }]);
    const working = { get: async (name: string) => (name === 'a' ? { value: 'from-store' } : null), getAll: async () => [{}] };
    const reader = new CookieReaderWithFallback(working, new PageCookieReader(pages));
    expect(await reader.get('a')).toEqual({ value: 'from-store' });
    expect(await reader.get('csrf_access_token')).toBeNull();
    expect(pages.questions).toHaveLength(0);

    const blind = { get: async () => null, getAll: async () => [] };
    const fallback = new CookieReaderWithFallback(blind, new PageCookieReader(pages));
    expect(await fallback.get('csrf_access_token')).toEqual({ value: 'from-tab' });
  });
});
