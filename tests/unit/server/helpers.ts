// Drives the demo app in memory (Hono's app.request), keeping cookies like a browser tab would.
import { createDemoApp, type DemoApp } from '../../../src/server/app.ts';
import type { DemoAppOptions } from '../../../src/server/app.ts';

export interface TestClient {
  demo: DemoApp;
  cookies: Map<string, string>;
  /** Sends a request with the jar's cookies and stores the cookies the answer sets. */
  request(path: string, init?: RequestInit): Promise<Response>;
  login(username?: string): Promise<Response>;
  /** The page's csrf_access_token, or the refresh one. */
  csrf(which: 'access' | 'refresh'): string;
  refresh(): Promise<Response>;
}

export function makeClient(options: DemoAppOptions = {}): TestClient {
  const demo = createDemoApp({ staticDir: '/nonexistent', ...options });
  const cookies = new Map<string, string>();

  const client: TestClient = {
    demo,
    cookies,
    async request(path, init = {}) {
      const headers = new Headers(init.headers);
      if (cookies.size > 0) headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
      const response = await demo.app.request(path, { ...init, headers });
      for (const line of response.headers.getSetCookie()) {
        const pair = line.split(';')[0] ?? '';
        const name = pair.slice(0, pair.indexOf('='));
        const value = pair.slice(pair.indexOf('=') + 1);
        if (value === '') cookies.delete(name);
        else cookies.set(name, value);
      }
      return response;
    },
    login(username = 'demo') {
      return client.request('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username }),
      });
    },
    csrf(which) {
      const value = cookies.get(which === 'access' ? 'csrf_access_token' : 'csrf_refresh_token');
      if (value === undefined) throw new Error(`no ${which} CSRF cookie in the jar`);
      return value;
    },
    refresh() {
      return client.request('/token/refresh', { method: 'POST', headers: { 'X-CSRF-TOKEN': client.csrf('refresh') } });
    },
  };
  return client;
}

export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
