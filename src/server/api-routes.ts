// The protected API under /api/: every request is counted, then checked like a flask
// @jwt_required() view, then answered by a small route made for one kind of test.
import { createHash } from 'node:crypto';
import type { Hono } from 'hono';
import { ACCESS_COOKIE, readCookie } from './cookies.ts';
import { EXPIRED_MSG, failureResponse, verifyJwtInRequest } from './guard.ts';
import { type DemoEnv, type DemoState, wait } from './state.ts';

const MAX_ITEMS = 100;
const DEFAULT_ITEMS = 5;
const DEFAULT_SLOW_MS = 300;
const MAX_SLOW_MS = 10_000;
const REDIRECT_STATUSES = [301, 302, 303, 307, 308];
const MAX_ECHOED_HEADERS = 20;

export function registerApiRoutes(api: Hono<DemoEnv>, state: DemoState): void {
  // Counted around everything else so that guard answers count too.
  let answering = 0;
  api.use('/api/*', async (c, next) => {
    const { counters } = state;
    counters.increment('apiRequests');
    counters.recordMax('maxConcurrentApiRequests', (answering += 1));
    try {
      await next();
    } finally {
      answering -= 1;
    }
    const { status } = c.res;
    if (status >= 200 && status < 300) counters.increment('apiSucceeded');
    if (status === 401) {
      counters.increment('api401');
      if (c.get('expiredAnswer')) counters.increment('api401Expired');
    }
  });

  // Before the guard: answers "expired" whatever the credentials, so a test can show that a
  // 401 which a refresh cannot cure causes one refresh and one replay, not a storm.
  api.all('/api/always-401', (c) => {
    c.set('expiredAnswer', true);
    return c.json({ msg: EXPIRED_MSG }, 401);
  });

  // Before the guard: a 401 whose chunked body starts and never ends (until the client goes or
  // the server closes), to show that the broker's look inside a 401 cannot hang a request.
  api.all('/api/endless-401', (c) => {
    c.set('expiredAnswer', true);
    return new Response(endlessBody('{"msg": "Token has', state.shutdownSignal, c.req.raw.signal), {
      status: 401,
      headers: { 'content-type': 'application/json' },
    });
  });

  // Before the guard: an open redirect under /api/ (?to=URL&status=3xx), the kind of route that
  // would carry the broker's headers to another origin if it let them follow redirects.
  api.all('/api/redirect', (c) => {
    const to = c.req.query('to') ?? '/';
    const status = Number(c.req.query('status') ?? '302');
    return c.redirect(to, REDIRECT_STATUSES.includes(status) ? (status as 301 | 302 | 303 | 307 | 308) : 302);
  });

  api.use('/api/*', async (c, next) => {
    const guard = await verifyJwtInRequest(c, state, false);
    if (!guard.ok) {
      if (guard.kind === 'expired') {
        c.set('expiredAnswer', true);
        if (state.options.expiredAnswerDelayMs > 0) await wait(state.options.expiredAnswerDelayMs, state.shutdownSignal, c.req.raw.signal);
        // Distinct expired tokens, to compare with refreshes (one refresh per expiry is the broker's
        // promise). Keyed by a hash so that no token is kept, even in memory.
        const jwt = readCookie(c, ACCESS_COOKIE);
        if (jwt) state.counters.incrementOnce('expiredAccessTokens', sha256Hex(new TextEncoder().encode(jwt)));
      }
      if (guard.kind === 'missing-csrf' || guard.kind === 'csrf-mismatch') state.counters.increment('csrfFailures');
      return failureResponse(c, guard);
    }
    c.set('claims', guard.claims);
    await next();
  });

  api.get('/api/whoami', (c) => c.json({ user: c.get('claims')?.sub ?? null }));

  api.get('/api/items', (c) => {
    const n = clampInteger(c.req.query('n'), DEFAULT_ITEMS, 0, MAX_ITEMS);
    const items = Array.from({ length: n }, (_, index) => ({ id: index + 1, name: `Item ${index + 1}` }));
    return c.json({ items });
  });

  // The raw body's bytes, hashed: lets a test prove that a replayed request carried the same body.
  // With ?headers=a,b it also echoes those request headers: what reached the server, the page's
  // own headers and the broker's, on a first send and on a replay alike.
  api.all('/api/echo', async (c) => {
    const echoedHeaders = c.req.query('headers');
    const body = new Uint8Array(await c.req.arrayBuffer()) as Uint8Array<ArrayBuffer>;
    const contentType = c.req.header('content-type') ?? null;
    return c.json({
      method: c.req.method,
      contentType,
      length: body.byteLength,
      sha256: sha256Hex(body),
      ...(echoedHeaders === undefined ? {} : { headers: requestHeaders(c.req.raw.headers, echoedHeaders) }),
      // A multipart boundary differs from one FormData serialization to the next: compare parts.
      ...(contentType?.startsWith('multipart/form-data') ? { parts: await describeParts(body, contentType) } : {}),
    });
  });

  api.get('/api/slow', async (c) => {
    const ms = clampInteger(c.req.query('ms'), DEFAULT_SLOW_MS, 0, MAX_SLOW_MS);
    await wait(ms, state.shutdownSignal, c.req.raw.signal);
    return c.json({ ok: true });
  });

  api.all('/api/*', (c) => c.json({ msg: 'Not Found' }, 404));
}

/** A body that sends `start`, then nothing more until one of the signals aborts; then it ends. */
function endlessBody(start: string, ...signals: AbortSignal[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(start));
      const end = () => {
        try {
          controller.close();
        } catch {
          // already cancelled by the reader (the client went away)
        }
      };
      if (signals.some((signal) => signal.aborted)) end();
      for (const signal of signals) signal.addEventListener('abort', end, { once: true });
    },
  });
}

function clampInteger(raw: string | undefined, fallback: number, min: number, max: number): number {
  const parsed = raw === undefined ? Number.NaN : Number.parseInt(raw, 10);
  if (Number.isNaN(parsed)) return fallback;
  return Math.min(max, Math.max(min, parsed));
}

/** The named request headers (comma-separated), null where absent. Never the Cookie header: its
 * HttpOnly values (the JWTs) must not become readable by the page through an echo. */
function requestHeaders(headers: Headers, names: string): Record<string, string | null> {
  const wanted = names.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '' && name !== 'cookie');
  return Object.fromEntries(wanted.slice(0, MAX_ECHOED_HEADERS).map((name) => [name, headers.get(name)]));
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

interface PartSummary {
  name: string;
  filename?: string;
  size: number;
  sha256: string;
}

async function describeParts(body: Uint8Array<ArrayBuffer>, contentType: string): Promise<PartSummary[] | null> {
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return null;
  }
  const parts: PartSummary[] = [];
  for (const [name, value] of form.entries()) {
    const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(await value.arrayBuffer());
    parts.push({ name, ...(typeof value === 'string' ? {} : { filename: value.name }), size: bytes.byteLength, sha256: sha256Hex(bytes) });
  }
  return parts;
}
