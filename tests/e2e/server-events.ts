// The backend's ordered event log (GET /__demo/events, POST /__demo/mark; see
// src/server/event-log.ts), read from a test: it proves that an action happened while the server
// was holding a refresh. Sequence numbers order the events; no assertion compares times.

import { expect } from '@playwright/test';
import type { ServerEvent } from '../../src/server/event-log.ts';

export type { ServerEvent } from '../../src/server/event-log.ts';

/** Any backend with the demo server's control routes (the demo server, the flask app). */
interface Backend {
  readonly url: string;
}

export async function serverEvents(backend: Backend): Promise<ServerEvent[]> {
  const response = await fetch(new URL('__demo/events', backend.url));
  if (!response.ok) throw new Error(`GET /__demo/events answered ${response.status}`);
  return ((await response.json()) as { events: ServerEvent[] }).events;
}

/** Records, in the server's log, that `label` has happened by now: call it once the action is done. */
export async function markOnServer(backend: Backend, label: string): Promise<ServerEvent> {
  const response = await fetch(new URL('__demo/mark', backend.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ label }),
  });
  if (!response.ok) throw new Error(`POST /__demo/mark answered ${response.status}`);
  return (await response.json()) as ServerEvent;
}

export interface RefreshSpan {
  readonly started: ServerEvent;
  readonly ended: ServerEvent;
}

/** Every refresh in the log, in order, from its arrival to its answer; fails if one has not ended. */
export function refreshSpans(events: readonly ServerEvent[]): RefreshSpan[] {
  const started = events.filter((event) => event.kind === 'refresh-started');
  const ended = events.filter((event) => event.kind === 'refresh-ended');
  expect(ended.length, 'refreshes answered of those started').toBe(started.length);
  // Refreshes may overlap (two workers without a lock): pair them by position, which is right
  // whenever they do not, the only case the assertions built on this accept anyway.
  return started.map((start, index) => ({ started: start, ended: ended[index]! }));
}

/** The log's one refresh; fails unless there is exactly one, ended. */
export function onlyRefresh(events: readonly ServerEvent[]): RefreshSpan {
  const spans = refreshSpans(events);
  expect(spans, 'refreshes').toHaveLength(1);
  return spans[0]!;
}

/** The mark labelled `label`; fails unless there is exactly one. */
export function markOf(events: readonly ServerEvent[], label: string): ServerEvent {
  const marks = events.filter((event) => event.kind === 'mark' && event.label === label);
  expect(marks, `marks "${label}"`).toHaveLength(1);
  return marks[0]!;
}

/** Asserts that `event` came after the refresh started and before its answer left the server. */
export function expectInside(event: ServerEvent, refresh: RefreshSpan): void {
  const where = `${event.kind} ${event.label ?? event.path ?? ''} (#${event.seq}) in a refresh from #${refresh.started.seq} to #${refresh.ended.seq}`;
  expect(event.seq, where).toBeGreaterThan(refresh.started.seq);
  expect(event.seq, where).toBeLessThan(refresh.ended.seq);
}

/** The API requests that arrived between two events (exclusive). */
export function apiRequestsBetween(events: readonly ServerEvent[], after: ServerEvent, before: ServerEvent): ServerEvent[] {
  return events.filter((event) => event.kind === 'api' && event.seq > after.seq && event.seq < before.seq);
}
