// The soak's verdict: figures from the pages, the server and the worker's heap, each goal checked
// and printed with how it is counted, so that a failed run explains itself.
import type { DemoStats } from '../src/server/demo-routes.ts';
import type { TabLoopResult } from './soak-tab-loop.ts';
import type { HeapUsage } from './soak-worker-heap.ts';

export interface SoakFigures {
  tabs: number;
  concurrency: number;
  elapsedMs: number;
  accessTtlSeconds: number;
  cooldownMs: number;
  /** All tabs together. */
  pages: TabLoopResult;
  refreshedHeardByTab0: number;
  /** Counted from a reset taken when no request was in flight. */
  server: DemoStats;
  heapStart: HeapUsage;
  heapEnd: HeapUsage;
  /** Taken under traffic, every so often: a trend to tell steady growth from a one-off step. */
  heapSamples: readonly string[];
}

export const MAX_HEAP_RATIO = 1.5;

interface Goal {
  name: string;
  met: boolean;
  detail: string;
}

export function formatReport(f: SoakFigures): { text: string; goalsMet: boolean } {
  const { pages, server } = f;
  const seconds = f.elapsedMs / 1000;
  const otherFailures = sumValues(pages.otherStatuses) + pages.networkErrors + pages.bodyMismatches;
  const heapRatio = f.heapEnd.usedBytes / f.heapStart.usedBytes;
  // A soak that saw few expiries proves little: tokens live ttl..ttl+1 s (exp is rounded up), plus
  // the round trip that finds them expired; half of that rate is the least we accept.
  const minExpiries = Math.floor(seconds / (f.accessTtlSeconds + 1) / 2);

  const goals: Goal[] = [
    { name: 'no 401 reached a page', met: pages.saw401 === 0, detail: `${pages.saw401}` },
    {
      name: 'no other failed request',
      met: otherFailures === 0,
      detail: `${otherFailures} (statuses ${JSON.stringify(pages.otherStatuses)}, network errors/timeouts ${pages.networkErrors}, echoed body lengths wrong ${pages.bodyMismatches})`,
    },
    { name: 'no refresh-token reuse detected', met: server.reuseDetected === 0, detail: `${server.reuseDetected}` },
    { name: 'no session revoked', met: server.sessionsRevoked === 0, detail: `${server.sessionsRevoked}` },
    {
      name: 'refreshes = expiries',
      met: server.refreshRequests === server.expiredAccessTokens && server.refreshSucceeded === server.refreshRequests,
      detail: `${server.refreshRequests} refresh requests (${server.refreshSucceeded} succeeded) for ${server.expiredAccessTokens} expired access tokens`,
    },
    {
      name: `the soak exercised expiry (>= ${minExpiries} expiries)`,
      met: server.expiredAccessTokens >= minExpiries,
      detail: `${server.expiredAccessTokens}`,
    },
    {
      name: `worker heap flat (end/start <= ${MAX_HEAP_RATIO})`,
      met: heapRatio <= MAX_HEAP_RATIO,
      detail: `${kib(f.heapStart.usedBytes)} -> ${kib(f.heapEnd.usedBytes)}, ratio ${heapRatio.toFixed(2)}`,
    },
  ];

  const latencies = [...pages.latenciesMs].sort((a, b) => a - b);
  const lines = [
    '',
    `Token Broker soak: ${f.tabs} tabs x ${f.concurrency} requests in flight, ${seconds.toFixed(1)} s, access tokens live ${f.accessTtlSeconds} s, cooldownMs ${f.cooldownMs}`,
    '',
    'pages',
    `  requests sent        ${pages.sent} (${(pages.sent / seconds).toFixed(0)}/s; GET /api/items and POST /api/echo, half each)`,
    `  succeeded (200)      ${pages.succeeded}`,
    `  401s seen by pages   ${pages.saw401}${pages.saw401 === 0 ? '' : ` (${describe401s(pages.seen401)})`}`,
    `  other failures       ${otherFailures}`,
    `  latency ms           p50 ${percentile(latencies, 0.5)}  p99 ${percentile(latencies, 0.99)}  max ${percentile(latencies, 1)}`,
    `  'refreshed' heard    ${f.refreshedHeardByTab0} by tab 1 (BroadcastChannel token-broker)`,
    'server',
    `  refreshes            ${server.refreshRequests} requests, ${server.refreshSucceeded} succeeded, ${server.refreshRefused} refused`,
    `  expiries             ${server.expiredAccessTokens} distinct access tokens answered "Token has expired"`,
    `  reuse detected       ${server.reuseDetected}`,
    `  sessions revoked     ${server.sessionsRevoked}`,
    `  401s on the wire     ${server.api401} (${server.api401Expired} "Token has expired", ${server.csrfFailures} CSRF failures)`,
    `  API requests         ${server.apiRequests} (the pages' plus the broker's replays), ${server.apiSucceeded} succeeded (one per page request)`,
    'worker heap (V8, after HeapProfiler.collectGarbage)',
    `  start                ${kib(f.heapStart.usedBytes)} used of ${kib(f.heapStart.totalBytes)}`,
    `  end                  ${kib(f.heapEnd.usedBytes)} used of ${kib(f.heapEnd.totalBytes)}`,
    `  end/start            ${heapRatio.toFixed(2)}`,
    `  under traffic        ${f.heapSamples.length === 0 ? '-' : f.heapSamples.join(', ')}`,
    '',
    'How "refreshes = expiries" is counted: an expiry is a distinct access token the server answered',
    '"Token has expired" (the server keeps a hash of each, never the token); a refresh is a request to',
    '/token/refresh. The broker promises one refresh per expiry, whatever the number of tabs and 401s.',
    'Tolerance: none. The counters were reset when no request was in flight, and read after every page',
    'request had ended, and a request that meets an expired token ends only after its refresh and replay:',
    'no refresh or expiry can straddle either edge. The last token may outlive the soak: it is counted neither way.',
    `cooldownMs is ${f.cooldownMs} here, not the default 3000: with tokens living ${f.accessTtlSeconds} s, a 401 on a request`,
    'stamped less than 3 s after the last refresh would not be taken for an expiry and would reach the page.',
    '',
    'goals',
    ...goals.map((goal) => `  ${goal.met ? 'ok  ' : 'MISS'} ${goal.name}: ${goal.detail}`),
    '',
  ];
  const slow401s = pages.seen401.filter((one) => one.latencyMs > f.accessTtlSeconds * 1000).length;
  if (slow401s > 0) {
    lines.push(
      `${slow401s} of the ${pages.saw401} 401s took longer than an access token lives: such a request waited (in the browser's`,
      '6 connections per host, on a busy CPU) until even the token of its one replay had expired. The broker replays once by',
      'design; with tokens of minutes this needs minutes of queueing. Check the machine\'s load before suspecting the broker.',
      '',
    );
  }
  const goalsMet = goals.every((goal) => goal.met);
  lines.push(goalsMet ? 'soak: every goal met' : 'soak: GOAL MISSED');
  return { text: lines.join('\n'), goalsMet };
}

function describe401s(seen: TabLoopResult['seen401']): string {
  const sorted = seen.map((one) => one.latencyMs).sort((a, b) => a - b);
  const spanningTwo = seen.filter((one) => one.refreshesDuring >= 2).length;
  return `took ${percentile(sorted, 0)}..${percentile(sorted, 1)} ms; ${spanningTwo} of them outlived 2 or more refreshes`;
}

function sumValues(record: Record<string, number>): number {
  return Object.values(record).reduce((sum, value) => sum + value, 0);
}

function percentile(sorted: readonly number[], fraction: number): string {
  if (sorted.length === 0) return '-';
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)]!.toFixed(1);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}
