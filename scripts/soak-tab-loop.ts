// What one tab of the soak runs inside the page: the naive app's traffic, nonstop. Passed to
// page.evaluate, so it must be self-contained (no imports, no outer names). Also no function bound
// to a local name (`const f = () => ...`, `function f()`): tsx compiles with keepNames, which wraps
// those in a `__name` helper that does not exist in the page.

export interface TabLoopOptions {
  durationMs: number;
  /** A second bound, so that a loop whose requests answer instantly (errors) still stops. */
  maxRequests: number;
  /** Requests in flight at once from this tab. */
  concurrency: number;
  /** A request that takes longer is aborted and counted as failed: nothing may hang the soak. */
  requestTimeoutMs: number;
}

export interface TabLoopResult {
  sent: number;
  succeeded: number;
  /** The one thing the broker exists to prevent. */
  saw401: number;
  /** How long each of those took, and how many refreshes this tab heard of meanwhile: a request that
   * outlived two refreshes was replayed once and met the next expiry, which is not a broker bug. */
  seen401: { latencyMs: number; refreshesDuring: number }[];
  /** Any other status but 200, keyed by status. */
  otherStatuses: Record<string, number>;
  /** Network errors and aborts (status 0 for the page). */
  networkErrors: number;
  /** 200s of POST /api/echo whose echoed length differs from the body sent: a replay lost its body. */
  bodyMismatches: number;
  latenciesMs: number[];
  /** `refreshed` messages this tab heard on BroadcastChannel 'token-broker'. */
  refreshedHeard: number;
}

export async function runTabLoop(options: TabLoopOptions): Promise<TabLoopResult> {
  const result: TabLoopResult = {
    sent: 0, succeeded: 0, saw401: 0, seen401: [], otherStatuses: {}, networkErrors: 0, bodyMismatches: 0, latenciesMs: [], refreshedHeard: 0,
  };
  const channel = new BroadcastChannel('token-broker');
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (typeof data === 'object' && data !== null && 'type' in data && data.type === 'refreshed') result.refreshedHeard += 1;
  };
  const deadline = performance.now() + options.durationMs;

  // Lanes of sequential requests, each until the time or the count runs out.
  await Promise.all(Array.from({ length: options.concurrency }, async (_, laneIndex): Promise<void> => {
    while (performance.now() < deadline && result.sent < options.maxRequests) {
      const n = result.sent;
      result.sent += 1;
      const started = performance.now();
      const refreshesBefore = result.refreshedHeard;
      const isPost = (n + laneIndex) % 2 === 1;
      // As a flask front end does: the CSRF header straight from document.cookie, no refresh logic.
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrf_access_token='))?.slice('csrf_access_token='.length) ?? '';
      const body = JSON.stringify({ tab: 'soak', request: n, padding: 'x'.repeat(n % 64) });
      try {
        const response = isPost
          ? await fetch('/api/echo', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'X-CSRF-TOKEN': csrf },
            body,
            signal: AbortSignal.timeout(options.requestTimeoutMs),
          })
          : await fetch(`/api/items?n=${n % 7}`, { signal: AbortSignal.timeout(options.requestTimeoutMs) });
        const answer: unknown = await response.json().catch(() => undefined);
        const latencyMs = performance.now() - started;
        result.latenciesMs.push(latencyMs);
        if (response.status === 200) {
          result.succeeded += 1;
          const length = typeof answer === 'object' && answer !== null && 'length' in answer ? answer.length : undefined;
          if (isPost && length !== new TextEncoder().encode(body).byteLength) result.bodyMismatches += 1;
        } else if (response.status === 401) {
          result.saw401 += 1;
          result.seen401.push({ latencyMs, refreshesDuring: result.refreshedHeard - refreshesBefore });
        } else {
          result.otherStatuses[response.status] = (result.otherStatuses[response.status] ?? 0) + 1;
        }
      } catch {
        result.networkErrors += 1;
      }
    }
  }));
  channel.close();
  return result;
}
