// Pages for the early-control scenarios: an app whose first API call is made at load, by a
// script right after the broker's tag, and which records what became of it in the document
// that finally stays (with data-wait-for-control the first document never runs it).

import type { Tab } from './engines/engine.ts';

export interface FirstCall {
  /** Whether the page was controlled when the app made its call. */
  readonly controlled: boolean;
  /** The status the app saw (0: the request failed). */
  readonly status: number;
  /** How the document that made the call was loaded: 'navigate', 'reload', ... */
  readonly navigation: string;
}

/** The app: one tag (with `attributes`), then its first call at once. */
export function firstCallPage(attributes: string): string {
  return `<!doctype html><html><head><meta charset="utf-8">
<script src="/token-broker-register.js" data-config="/token-broker.json"${attributes}></script>
<script>
  window.firstCallControlled = !!navigator.serviceWorker.controller;
  fetch('/api/whoami').then((r) => r.status, () => 0).then((status) => {
    const navigation = performance.getEntriesByType('navigation')[0]?.type ?? 'unknown';
    window.firstCall = { controlled: window.firstCallControlled, status, navigation };
  });
</script>
</head><body><p>an app that calls its API at load</p></body></html>`;
}

/** A page of the same origin without the broker's tag: where the user logs in before any worker exists. */
export const NO_BROKER_PAGE = '<!doctype html><html><head><meta charset="utf-8"></head><body><p>no broker here</p></body></html>';

/**
 * The first call recorded by a document of the tab, waiting across the reloads the options make
 * (a document may go away while it is being asked); with `reloaded`, only by a reloaded document.
 */
export async function firstCallOfPage(tab: Tab, reloaded: boolean, timeoutMs = 40_000): Promise<FirstCall> {
  const deadline = Date.now() + timeoutMs;
  const recorded = reloaded
    ? () => (window as unknown as { firstCall?: FirstCall }).firstCall?.navigation === 'reload'
    : () => (window as unknown as { firstCall?: FirstCall }).firstCall !== undefined;
  for (;;) {
    try {
      await tab.waitForFunction(recorded, Math.max(1, deadline - Date.now()));
      return await tab.evaluate(() => (window as unknown as { firstCall: FirstCall }).firstCall);
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
