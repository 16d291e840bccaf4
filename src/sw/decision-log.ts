// With "debug": true the worker says, on its console, what it decided for each brokered request:
// held for a refresh, refreshed for, replayed, or passed through as it came. All the worker's
// debug lines are made here, from what cannot hold a secret: the method, the URL's path (no
// query, no fragment: a query may carry a token), a status, a generation number, an outcome.
// Never a header, a cookie or a body.

/** What happened to a request, in the order a request's life may meet them. */
export type Decision =
  | 'held' // waited for a refresh in flight before its send
  | 'refreshing ahead' // its credentials were about to expire: a refresh first
  | 'restamped' // stamped from kept cookie values that had changed (a 4xx came back): sent again with the current ones
  | 'sent once' // not replayable (body too large, a stream past the budget): its answer goes back as it came
  | 'passed through' // its answer is not an expiry: back to the page untouched
  | 'refreshing' // an expiry answer: joins or starts the refresh of its generation
  | 'not refreshed' // the refresh did not succeed (or was not made): its original answer goes back
  | 'replayed' // sent again with fresh credentials; that answer goes back
  | 'page refresh call'; // the page's own call to the refresh endpoint, taken into the one refresh

export interface DecisionLog {
  note(decision: Decision, request: { readonly method: string; readonly url: string }, detail?: string): void;
}

/** No lines: the default. */
export const SILENT_DECISIONS: DecisionLog = { note: () => undefined };

/** Lines on `sink` (the worker's console), one per decision: at the info level, which DevTools
 * shows by default (Chromium hides console.debug until "Verbose" is chosen). */
export function consoleDecisions(sink: Pick<Console, 'info'> = console, workerOrigin?: string): DecisionLog {
  return {
    note: (decision, request, detail) => sink.info(decisionLine(decision, request, detail, workerOrigin)),
  };
}

export function decisionLine(decision: Decision, request: { readonly method: string; readonly url: string }, detail?: string, workerOrigin?: string): string {
  return `token-broker: ${decision} ${request.method} ${shortUrl(request.url, workerOrigin)}${detail ? ` (${detail})` : ''}`;
}

/** The path alone for the worker's own origin, host and path for another: never the query or the fragment. */
export function shortUrl(url: string, workerOrigin?: string): string {
  const parsed = new URL(url);
  return parsed.origin === workerOrigin ? parsed.pathname : `${parsed.host}${parsed.pathname}`;
}
