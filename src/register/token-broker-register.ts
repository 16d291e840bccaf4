// dist/token-broker-register.js: the one tag an app adds.
//   <script src="/token-broker-register.js" data-config="/token-broker.json"></script>
// It registers the worker with its config URL, asks an already active worker to take a page that
// loaded without it (a shift-reload), and answers the worker's questions about script-readable
// cookies (see src/sw/page-cookie-reader.ts); it does nothing else to the page.
// Where service workers are unavailable (an old browser, a non-secure origin) it does nothing.
// Two other tags: `data-built-in-config` (a worker built with its config inside, by the Vite
// plugin: registered without ?config=), and `data-register="off"` (the app registers its own
// worker with token-broker/worker inside it: this script only answers that worker's questions).
// It registers nothing but token-broker-sw.js with a config file beside it (registration-rules.ts):
// an injected tag must not make it register another script or config.

import { CLAIM_MESSAGE, READ_COOKIES_MESSAGE } from '../sw/page-protocol.ts';
import { configUrlProblem, workerUrlProblem } from '../sw/registration-rules.ts';
import { readDocumentCookies } from './document-cookies.ts';

const DEFAULT_WORKER_URL = '/token-broker-sw.js';
const DEFAULT_SCOPE = '/';

function registerTokenBroker(script: HTMLOrSVGScriptElement | null): void {
  if (!('serviceWorker' in navigator) || !(script instanceof HTMLScriptElement)) return;
  const { config, sw = DEFAULT_WORKER_URL, scope = DEFAULT_SCOPE, register } = script.dataset;
  if (register === 'off') {
    // The worker is the app's own; its path is the app's business, its origin is the page's.
    answerCookieQuestions(undefined);
    return;
  }
  const builtIn = script.dataset.builtInConfig !== undefined;
  if (!config && !builtIn) {
    console.error('token-broker: the register script needs data-config="/token-broker.json"; the broker is not registered');
    return;
  }
  const workerUrl = new URL(sw, location.href);
  const configUrl = config ? new URL(config, location.href) : undefined;
  const problem = workerUrlProblem(workerUrl, location.origin) ?? (configUrl && configUrlProblem(configUrl, workerUrl));
  if (problem) {
    console.error(`token-broker: ${problem}; the broker is not registered`);
    return;
  }
  // The config URL travels in the worker's URL: a new config URL is a new worker, installed and
  // validated like any update. A worker with its config built in needs none (and refuses to
  // install if it has none: an injected tag cannot make a config-less worker broker anything).
  if (configUrl) workerUrl.searchParams.set('config', configUrl.pathname + configUrl.search);
  answerCookieQuestions(workerUrl.pathname);
  navigator.serviceWorker.register(workerUrl.href, { scope }).then((registration) => {
    // A first install claims every tab when it activates. A page loaded past an active worker
    // (shift-reload) stays uncontrolled until its next navigation unless it asks.
    if (!navigator.serviceWorker.controller) registration.active?.postMessage({ type: CLAIM_MESSAGE });
  }).catch((error: unknown) => {
    console.error(`token-broker: could not register ${workerUrl.pathname}: ${error instanceof Error ? error.message : String(error)}`);
  });
}

/**
 * Answers only our own worker (any worker of the page's origin when the app registers its own:
 * `workerPath` undefined), only with the cookies it names: what document.cookie shows anyway.
 */
function answerCookieQuestions(workerPath: string | undefined): void {
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent<unknown>) => {
    const question = event.data as { type?: unknown; names?: unknown } | null;
    if (question?.type !== READ_COOKIES_MESSAGE || !Array.isArray(question.names)) return;
    const source = event.source;
    if (!(source instanceof ServiceWorker)) return;
    const sourceUrl = new URL(source.scriptURL);
    if (sourceUrl.origin !== location.origin || (workerPath !== undefined && sourceUrl.pathname !== workerPath)) return;
    const names = question.names.filter((name): name is string => typeof name === 'string');
    event.ports[0]?.postMessage({ values: readDocumentCookies(document.cookie, names) });
  });
  // Messages added by addEventListener wait for DOMContentLoaded unless started: a tab still
  // loading would leave the worker's question unanswered, and its refresh without a CSRF value.
  navigator.serviceWorker.startMessages();
}

registerTokenBroker(document.currentScript);
