// The event log's routes and the hooks that fill it (see event-log.ts). Registered before every
// other route, so that its hooks see a refresh or an API request before any handler answers it.
//   GET  /__demo/events        -> { events: ServerEvent[] }, oldest first
//   POST /__demo/mark {label}  -> the mark recorded: { seq, atMs, kind: 'mark', label }
//   POST /__demo/reset         -> also clears the log (the counters' route answers)
import type { Hono } from 'hono';
import { MAX_MARK_LABEL_LENGTH } from './event-log.ts';
import type { DemoEnv, DemoState } from './state.ts';

export function registerEventRoutes(app: Hono<DemoEnv>, state: DemoState): void {
  const { events } = state;

  app.use('/token/refresh', async (c, next) => {
    if (c.req.method !== 'POST') return next();
    events.record('refresh-started');
    await next();
    events.record('refresh-ended', { status: c.res.status });
  });

  app.use('/api/*', async (c, next) => {
    const arrived = events.record('api', { method: c.req.method, path: c.req.path, status: null });
    await next();
    arrived.status = c.res.status;
  });

  app.get('/__demo/events', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ events: events.list() });
  });

  app.post('/__demo/mark', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: 'the body must be JSON' }, 400);
    }
    const label = typeof body === 'object' && body !== null && 'label' in body ? body.label : undefined;
    if (typeof label !== 'string' || label === '' || label.length > MAX_MARK_LABEL_LENGTH) {
      return c.json({ error: `label must be a string of 1 to ${MAX_MARK_LABEL_LENGTH} characters` }, 400);
    }
    return c.json(events.record('mark', { label }));
  });

  // The log is "since the last reset", like the counters.
  app.use('/__demo/reset', async (c, next) => {
    if (c.req.method === 'POST') events.clear();
    await next();
  });
}
