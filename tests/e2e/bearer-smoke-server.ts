// A small real hand-made backend for bearer mode's smoke scenario, in the test's own process:
// it serves the built worker and register script, a page and its config, and speaks the generic
// JSON variant: POST /auth/login and POST /auth/refresh {"refreshToken"} answering
// {"accessToken","refreshToken","expiresIn"}, with rotation and reuse detection (a spent refresh
// token presented again revokes the session). Its records are the truth of the scenario.

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { adopterPage } from './demo-server.ts';

export interface BearerSmokeServer {
  readonly url: string;
  /** Every token issued, in order: what must never be seen by the page or another origin. */
  readonly issued: string[];
  readonly apiAuthorization: (string | null)[];
  readonly counts: { logins: number; refreshes: number; reuseDetected: number; api401: number };
  /** Every access token issued so far is answered 401 from now on. */
  expireAccessTokens(): void;
  close(): Promise<void>;
}

// cooldownMs: a bare 401 on credentials younger than it is not taken for an expiry, and a login
// is such credentials; the scenario expires the tokens just past it instead of waiting 3 s.
export const SMOKE_COOLDOWN_MS = 1_000;
const CONFIG = {
  api: ['/api/'], json: { refreshUrl: '/auth/refresh', loginUrls: ['/auth/login'], logoutUrl: '/auth/logout' }, cooldownMs: SMOKE_COOLDOWN_MS,
};

export async function startBearerSmokeServer(): Promise<BearerSmokeServer> {
  const issued: string[] = [];
  const apiAuthorization: (string | null)[] = [];
  const counts = { logins: 0, refreshes: 0, reuseDetected: 0, api401: 0 };
  const validAccess = new Set<string>();
  const spent = new Set<string>();
  let currentRefresh = '';
  let revoked = false;
  let serial = 0;
  const issue = () => {
    serial += 1;
    const accessToken = `access-${serial}-${crypto.randomUUID()}`;
    currentRefresh = `refresh-${serial}-${crypto.randomUUID()}`;
    issued.push(accessToken, currentRefresh);
    validAccess.add(accessToken);
    return { accessToken, refreshToken: currentRefresh, expiresIn: 300, user: 'ada' };
  };
  const files: Record<string, [string, string]> = {
    '/token-broker-sw.js': ['text/javascript', readFileSync(join('dist', 'token-broker-sw.js'), 'utf8')],
    '/token-broker-register.js': ['text/javascript', readFileSync(join('dist', 'token-broker-register.js'), 'utf8')],
    '/bearer.json': ['application/json', JSON.stringify(CONFIG)],
    '/bearer.html': ['text/html', adopterPage('/bearer.json')],
  };

  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const body = await readBody(request);
    const send = (status: number, json: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(json));
    };
    const file = files[path];
    if (file && request.method === 'GET') {
      response.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' });
      response.end(file[1]);
    } else if (path === '/auth/login' && request.method === 'POST') {
      counts.logins += 1;
      revoked = false;
      send(200, issue());
    } else if (path === '/auth/refresh' && request.method === 'POST') {
      counts.refreshes += 1;
      const presented = (JSON.parse(body || '{}') as { refreshToken?: string }).refreshToken ?? '';
      if (spent.has(presented)) {
        counts.reuseDetected += 1;
        revoked = true;
      }
      if (revoked || presented !== currentRefresh) return send(401, { msg: 'invalid refresh token' });
      spent.add(presented);
      send(200, issue());
    } else if (path.startsWith('/api/')) {
      const authorization = request.headers.authorization ?? null;
      apiAuthorization.push(authorization);
      if (authorization?.startsWith('Bearer ') && validAccess.has(authorization.slice(7))) return send(200, { ok: true });
      counts.api401 += 1;
      send(401, { msg: 'expired' });
    } else {
      send(404, { msg: 'not found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    issued,
    apiAuthorization,
    counts,
    expireAccessTokens: () => validAccess.clear(),
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Another origin ("localhost", not the page's 127.0.0.1) that records the Authorization of every request it gets, CORS allowing it. */
export async function startAuthorizationRecorder(allowedOrigin: string): Promise<{ url: string; received: (string | null)[]; close(): Promise<void> }> {
  const received: (string | null)[] = [];
  const server = createServer((request, response) => {
    if (request.method !== 'OPTIONS') received.push(request.headers.authorization ?? null);
    response.writeHead(request.method === 'OPTIONS' ? 204 : 200, {
      'Access-Control-Allow-Origin': allowedOrigin,
      'Access-Control-Allow-Headers': 'authorization, content-type',
      'Access-Control-Allow-Methods': 'GET, POST',
    });
    response.end();
    request.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/`,
    received,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
