// Login, logout and the refresh endpoint: the routes that hand out cookies.
import type { Context, Hono } from 'hono';
import { FLASK_COOKIE_MAX_AGE_SECONDS, setAccessCookies, setRefreshCookies, unsetJwtCookies } from './cookies.ts';
import { EXPIRED_MSG, failureResponse, verifyJwtInRequest } from './guard.ts';
import { MAX_REFRESH_DELAY_MS } from './options.ts';
import { type DemoEnv, type DemoState, wait } from './state.ts';

const DEFAULT_USERNAME = 'demo';
const MAX_USERNAME_LENGTH = 64;

export function registerSessionRoutes(app: Hono<DemoEnv>, state: DemoState): void {
  app.post('/login', async (c) => {
    const username = await readUsername(c);
    const family = state.sessions.startSession();
    const access = await state.signer.issue({
      type: 'access',
      subject: username,
      family,
      ttlSeconds: state.options.accessTtlSeconds,
      fresh: true,
      epoch: state.accessEpoch,
    });
    const refresh = await state.signer.issue({
      type: 'refresh',
      subject: username,
      family,
      ttlSeconds: state.options.refreshTtlSeconds,
    });
    setAccessCookies(c, access, accessCookieMaxAge(state));
    setRefreshCookies(c, refresh, refreshCookieMaxAge(state));
    return c.json({ login: true, user: username });
  });

  app.post('/logout', (c) => {
    unsetJwtCookies(c);
    return c.json({ logout: true });
  });

  app.post('/token/refresh', (c) => refresh(c, state));
}

// jwt_required(refresh=True), then a new access token; with rotation also a new refresh token,
// the presented one being marked spent BEFORE the answer leaves: a lost or late answer has
// still spent it, which is exactly the danger the broker must not turn into a second refresh.
async function refresh(c: Context<DemoEnv>, state: DemoState): Promise<Response> {
  const { counters, options } = state;
  counters.increment('refreshRequests');

  if (options.refreshBehavior === 'error-500') return c.json({ msg: 'Internal Server Error' }, 500);
  if (options.refreshBehavior === 'refuse-401') {
    counters.increment('refreshRefused');
    return c.json({ msg: EXPIRED_MSG }, 401);
  }

  const guard = await verifyJwtInRequest(c, state, true);
  if (!guard.ok) {
    counters.increment('refreshRefused');
    if (guard.kind === 'missing-csrf' || guard.kind === 'csrf-mismatch') counters.increment('csrfFailures');
    if (guard.reuseDetected) {
      counters.increment('reuseDetected');
      counters.increment('sessionsRevoked');
    }
    return failureResponse(c, guard);
  }
  const presented = guard.claims;
  if (!presented) return c.json({ refresh: false }); // OPTIONS: exempt, nothing to refresh

  const access = await state.signer.issue({
    type: 'access',
    subject: presented.sub,
    family: presented.fam,
    ttlSeconds: options.accessTtlSeconds,
    epoch: state.accessEpoch,
  });
  setAccessCookies(c, access, accessCookieMaxAge(state));
  if (options.rotation) {
    state.sessions.markSpent(presented.jti);
    const next = await state.signer.issue({
      type: 'refresh',
      subject: presented.sub,
      family: presented.fam,
      ttlSeconds: options.refreshTtlSeconds,
    });
    setRefreshCookies(c, next, refreshCookieMaxAge(state));
  }

  if (options.refreshBehavior === 'hang') return hang(c, state);
  if (options.refreshDelayMs > 0) await wait(options.refreshDelayMs, state.shutdownSignal);
  counters.increment('refreshSucceeded');
  return c.json({ refresh: true });
}

// The answer is lost: hold it until the client gives up, the server closes or a minute passes,
// then drop the connection without a response.
async function hang(c: Context<DemoEnv>, state: DemoState): Promise<Response> {
  await wait(MAX_REFRESH_DELAY_MS, state.shutdownSignal, c.req.raw.signal);
  c.env?.incoming?.socket.destroy();
  // Only reached in full under app.request(), where there is no socket to drop.
  return c.json({ msg: 'refresh answer dropped' }, 504);
}

async function readUsername(c: Context<DemoEnv>): Promise<string> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return DEFAULT_USERNAME; // no body or not JSON: the demo user
  }
  if (typeof body !== 'object' || body === null || !('username' in body)) return DEFAULT_USERNAME;
  const { username } = body;
  if (typeof username !== 'string') return DEFAULT_USERNAME;
  const trimmed = username.trim().slice(0, MAX_USERNAME_LENGTH);
  return trimmed === '' ? DEFAULT_USERNAME : trimmed;
}

function accessCookieMaxAge(state: DemoState): number | undefined {
  return cookieMaxAge(state, state.options.accessTtlSeconds);
}

function refreshCookieMaxAge(state: DemoState): number | undefined {
  return cookieMaxAge(state, state.options.refreshTtlSeconds);
}

// set_*_cookies(response, token, max_age): `max_age or config.cookie_max_age`.
function cookieMaxAge(state: DemoState, tokenLifetimeSeconds: number): number | undefined {
  const { cookieMaxAge: passed, sessionCookies } = state.options;
  if (passed === 'token-lifetime') return tokenLifetimeSeconds;
  return sessionCookies ? undefined : FLASK_COOKIE_MAX_AGE_SECONDS;
}
