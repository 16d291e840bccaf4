// dist/token-broker-register.js: the one tag an app adds.
//   <script src="/token-broker-register.js" data-config="/token-broker.json"></script>
// It registers the worker with its config URL, asks an already active worker to take a page that
// loaded without it (a shift-reload), and answers the worker's questions about script-readable
// cookies (see src/sw/page-cookie-reader.ts); it does nothing else to the page.
// Where service workers are unavailable (an old browser, a non-secure origin) it does nothing.
// It registers nothing but token-broker-sw.js with a config file beside it (registration-rules.ts):
// an injected tag must not make it register another script or config.

import { CLAIM_MESSAGE, READ_COOKIES_MESSAGE } from '../sw/page-protocol.ts';
import { configUrlProblem, workerUrlProblem } from '../sw/registration-rules.ts';
import { readDocumentCookies } from './document-cookies.ts';

const DEFAULT_WORKER_URL = '/token-broker-sw.js';
const DEFAULT_SCOPE = '/';

function registerTokenBroker(script: HTMLOrSVGScriptElement | null): void {
  if (!('serviceWorker' in navigator) || !(script instanceof HTMLScriptElement)) return;
  const { config, sw = DEFAULT_WORKER_URL, scope = DEFAULT_SCOPE } = script.dataset;
  if (!config) {
    console.error('token-broker: the register script needs data-config="/token-broker.json"; the broker is not registered');
    return;
  }
  const workerUrl = new URL(sw, location.href);
  const configUrl = new URL(config, location.href);
  const problem = workerUrlProblem(workerUrl, location.origin) ?? configUrlProblem(configUrl, workerUrl);
  if (problem) {
    console.error(`token-broker: ${problem}; the broker is not registered`);
    return;
  }
  // The config URL travels in the worker's URL: a new config URL is a new worker, installed and
  // validated like any update.
  workerUrl.searchParams.set('config', configUrl.pathname + configUrl.search);
  answerCookieQuestions(workerUrl.pathname);
  navigator.serviceWorker.register(workerUrl.href, { scope }).then((registration) => {
    // A first install claims every tab when it activates. A page loaded past an active worker
    // (shift-reload) stays uncontrolled until its next navigation unless it asks.
    if (!navigator.serviceWorker.controller) registration.active?.postMessage({ type: CLAIM_MESSAGE });
  }).catch((error: unknown) => {
    console.error(`token-broker: could not register ${workerUrl.pathname}: ${error instanceof Error ? error.message : String(error)}`);
  });
}

/** Answers only our own worker, only with the cookies it names: what document.cookie shows anyway. */
function answerCookieQuestions(workerPath: string): void {
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent<unknown>) => {
    const question = event.data as { type?: unknown; names?: unknown } | null;
    if (question?.type !== READ_COOKIES_MESSAGE || !Array.isArray(question.names)) return;
    const source = event.source;
    if (!(source instanceof ServiceWorker) || new URL(source.scriptURL).pathname !== workerPath) return;
    const names = question.names.filter((name): name is string => typeof name === 'string');
    event.ports[0]?.postMessage({ values: readDocumentCookies(document.cookie, names) });
  });
  // Messages added by addEventListener wait for DOMContentLoaded unless started: a tab still
  // loading would leave the worker's question unanswered, and its refresh without a CSRF value.
  navigator.serviceWorker.startMessages();
}

registerTokenBroker(document.currentScript);
