// The bearer APIs (RFC 6750 resource servers) and the bearer control routes of the demo server.
//   /bearer-api/*  accepts access tokens of the OIDC provider (looked up in its store)
//   /json-api/*    accepts access tokens of the hand-made JSON backend (JWTs, verified with jose)
// Anything else (no token, a placeholder, an expired or revoked token) is a 401 with
// WWW-Authenticate: Bearer error="invalid_token". Control routes under /__demo/bearer/.

import type { Context, Hono } from 'hono';
import type { BearerCounters } from './bearer-counters.ts';
import { type BearerState, MAX_BEARER_ACCESS_TTL_SECONDS } from './bearer-state.ts';

export const OIDC_API_PREFIX = '/bearer-api/';
export const JSON_API_PREFIX = '/json-api/';

export function registerBearerRoutes<E extends object>(app: Hono<E>, state: BearerState): void {
  state.json.register(app);

  app.all(`${OIDC_API_PREFIX}*`, async (c) => {
    const token = bearerTokenOf(c.req.header('authorization'));
    const record = token && state.oidc ? await state.oidc.findAccessToken(token) : undefined;
    return answer(c, state.oidcCounters, record?.accountId);
  });

  app.all(`${JSON_API_PREFIX}*`, async (c) => {
    const token = bearerTokenOf(c.req.header('authorization'));
    return answer(c, state.jsonCounters, token ? await state.json.verifyAccessToken(token) : undefined);
  });

  app.get('/__demo/bearer/stats', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(state.stats());
  });

  app.post('/__demo/bearer/reset', (c) => {
    state.oidcCounters.reset();
    state.jsonCounters.reset();
    return c.json(state.stats());
  });

  app.post('/__demo/bearer/control', async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as { accessTtlSeconds?: unknown } | undefined;
    const ttl = body?.accessTtlSeconds;
    if (!Number.isInteger(ttl) || (ttl as number) < 1 || (ttl as number) > MAX_BEARER_ACCESS_TTL_SECONDS) {
      return c.json({ error: `accessTtlSeconds must be an integer from 1 to ${MAX_BEARER_ACCESS_TTL_SECONDS}` }, 400);
    }
    state.accessTtlSeconds = ttl as number;
    return c.json(state.stats());
  });

  // Tests only (the server must be started with recordIssuedTokens): the values to search the page for.
  app.get('/__demo/bearer/issued', (c) => {
    if (!state.issued.enabled) return c.json({ error: 'start the server with recordIssuedTokens' }, 404);
    c.header('Cache-Control', 'no-store');
    return c.json({ tokens: state.issued.values() });
  });

  // Every grant of both servers dies: the next refresh is invalid_grant.
  app.post('/__demo/bearer/revoke', async (c) => {
    const oidc = (await state.oidc?.revokeAllGrants()) ?? 0;
    const json = state.json.revokeAll();
    return c.json({ revoked: { oidc, json } });
  });
}

function bearerTokenOf(header: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(header ?? '');
  return match?.[1];
}

function answer(c: Context, counters: BearerCounters, subject: string | undefined): Response {
  c.header('Cache-Control', 'no-store');
  if (subject === undefined) {
    counters.increment('api401');
    c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
    return c.json({ error: 'invalid_token' }, 401);
  }
  counters.increment('apiOk');
  return c.json({ ok: true, sub: subject, path: c.req.path, method: c.req.method });
}
