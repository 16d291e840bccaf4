// The demo's load: many requests at once, from every kind of client the page uses, so that many
// of them meet the same expired token together.
import { type ApiCall, type ApiResult, type HttpClientKind, callApi } from './naive-api.ts';

export const BURST_SIZE = 20;
const CLIENTS: readonly HttpClientKind[] = ['fetch', 'axios', 'xhr'];

export interface BurstTally {
  sent: number;
  succeeded: number;
  unauthorized: number;
  failed: number;
  results: ApiResult[];
}

export function burstCalls(size: number = BURST_SIZE, tabId = 'tab'): ApiCall[] {
  return Array.from({ length: size }, (_, index): ApiCall => {
    const client = CLIENTS[index % CLIENTS.length] ?? 'fetch';
    if (index % 2 === 1) {
      return { client, method: 'POST', path: '/api/echo', body: { tabId, index, note: 'a JSON body to replay' } };
    }
    return { client, method: 'GET', path: index % 4 === 0 ? '/api/whoami' : `/api/items?n=${(index % 5) + 1}` };
  });
}

/** Sends every call at once; `onResult` sees each answer as it lands (for live counters). */
export async function runBurst(calls: ApiCall[], onResult: (result: ApiResult) => void): Promise<BurstTally> {
  const results = await Promise.all(
    calls.map(async (call) => {
      const result = await callApi(call);
      onResult(result);
      return result;
    }),
  );
  return {
    sent: results.length,
    succeeded: results.filter((result) => result.status >= 200 && result.status < 300).length,
    unauthorized: results.filter((result) => result.status === 401).length,
    failed: results.filter((result) => result.status !== 401 && (result.status < 200 || result.status >= 300)).length,
    results,
  };
}
