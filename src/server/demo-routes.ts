// What tests and the demo page use to steer and observe the server. No auth: loopback demo only.
import type { Hono } from 'hono';
import { applyOptionChanges } from './options.ts';
import type { DemoEnv, DemoState } from './state.ts';

export function registerDemoRoutes(app: Hono<DemoEnv>, state: DemoState): void {
  app.get('/__demo/stats', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(statsOf(state));
  });

  // Zeroes the counters only: options, sessions and the access epoch stay as they are.
  app.post('/__demo/reset', (c) => {
    state.counters.reset();
    return c.json(statsOf(state));
  });

  app.post('/__demo/expire', (c) => {
    state.accessEpoch += 1;
    return c.json({ accessEpoch: state.accessEpoch });
  });

  app.post('/__demo/control', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: 'the body must be JSON' }, 400);
    }
    const result = applyOptionChanges(state.options, body);
    if (!result.ok) return c.json({ error: result.error }, 400);
    state.options = result.options;
    return c.json({ options: state.options });
  });

  // Outside /api/ on purpose: shows which headers reach a request the broker must leave alone.
  app.all('/public/echo-headers', (c) => {
    state.counters.increment('publicRequests');
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      headers[name] = name === 'cookie' ? redactCookieValues(value) : value;
    });
    return c.json({ method: c.req.method, headers });
  });
}

export type DemoStats = ReturnType<typeof statsOf>;

export function statsOf(state: DemoState) {
  return { ...state.counters.snapshot(), accessEpoch: state.accessEpoch, options: { ...state.options } };
}

// Names tell a test which cookies were sent; the values (JWTs among them) never leave the server.
function redactCookieValues(header: string): string {
  return header
    .split(';')
    .map((pair) => pair.trim().split('=')[0] + '=<redacted>')
    .join('; ');
}
