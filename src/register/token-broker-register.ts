// dist/token-broker-register.js: the one tag an app adds.
//   <script src="/token-broker-register.js" data-config="/token-broker.json"></script>
// It registers the worker with its config URL, asks an already active worker to take a page that
// loaded without it (a shift-reload), and answers the worker's questions about script-readable
// cookies (see src/sw/page-cookie-reader.ts). It says how its registration went in an attribute
// on its own tag (registration-state.ts, for the page helper's ready()). Only when the tag asks
// (data-wait-for-control, data-reload-once: early-control.ts) does it stop or reload the page.
// Where service workers are unavailable (an old browser, a non-secure origin) it does nothing else.
// Two other tags: `data-built-in-config` (a worker built with its config inside, by the Vite
// plugin: registered without ?config=), and `data-register="off"` (the app registers its own
// worker with token-broker/worker inside it: this script only answers that worker's questions).
// It registers nothing but token-broker-sw.js with a config file beside it (registration-rules.ts):
// an injected tag must not make it register another script or config.

import { CLAIM_MESSAGE, READ_COOKIES_MESSAGE } from '../sw/page-protocol.ts';
import { configUrlProblem, workerUrlProblem } from '../sw/registration-rules.ts';
import { readDocumentCookies } from './document-cookies.ts';
import { earlyControlOf, pageControls, takeControlEarly, type EarlyControl } from './early-control.ts';
import { REGISTRATION_STATE_ATTRIBUTE, REGISTRATION_STATE_EVENT, type RegistrationState } from './registration-state.ts';

const DEFAULT_WORKER_URL = '/token-broker-sw.js';
const DEFAULT_SCOPE = '/';

function registerTokenBroker(script: HTMLOrSVGScriptElement | null): void {
  if (!(script instanceof HTMLScriptElement)) return;
  const say = (state: RegistrationState): void => {
    script.setAttribute(REGISTRATION_STATE_ATTRIBUTE, state);
    script.dispatchEvent(new Event(REGISTRATION_STATE_EVENT));
  };
  if (!('serviceWorker' in navigator)) {
    say('unsupported');
    return;
  }
  const { config, sw = DEFAULT_WORKER_URL, scope = DEFAULT_SCOPE, register } = script.dataset;
  if (register === 'off') {
    // The worker is the app's own; its path is the app's business, its origin is the page's.
    // Early control (data-wait-for-control, data-reload-once) is not applied: the app's own
    // registration runs after this tag, and stopping the page here would stop it too.
    answerCookieQuestions(undefined);
    return;
  }
  const builtIn = script.dataset.builtInConfig !== undefined;
  if (!config && !builtIn) {
    console.error('token-broker: the register script needs data-config="/token-broker.json"; the broker is not registered');
    say('refused');
    return;
  }
  const workerUrl = new URL(sw, location.href);
  const configUrl = config ? new URL(config, location.href) : undefined;
  const problem = workerUrlProblem(workerUrl, location.origin) ?? (configUrl && configUrlProblem(configUrl, workerUrl));
  if (problem) {
    console.error(`token-broker: ${problem}; the broker is not registered`);
    say('refused');
    return;
  }
  const earlyControl = startEarlyControl(script.dataset);
  // The config URL travels in the worker's URL: a new config URL is a new worker, installed and
  // validated like any update. A worker with its config built in needs none (and refuses to
  // install if it has none: an injected tag cannot make a config-less worker broker anything).
  if (configUrl) workerUrl.searchParams.set('config', configUrl.pathname + configUrl.search);
  answerCookieQuestions(workerUrl.pathname);
  say('registering');
  navigator.serviceWorker.register(workerUrl.href, { scope }).then((registration) => {
    // A first install claims every tab when it activates. A page loaded past an active worker
    // (shift-reload) stays uncontrolled until its next navigation unless it asks.
    if (!navigator.serviceWorker.controller) registration.active?.postMessage({ type: CLAIM_MESSAGE });
    whenInstallFails(registration, () => {
      say('failed');
      earlyControl.giveUp('the broker\'s worker did not install (see the lines above)');
    });
  }).catch((error: unknown) => {
    console.error(`token-broker: could not register ${workerUrl.pathname}: ${error instanceof Error ? error.message : String(error)}`);
    say('failed');
    earlyControl.giveUp('the broker\'s worker could not be registered');
  });
}

function startEarlyControl(dataset: DOMStringMap): EarlyControl {
  const choice = earlyControlOf(dataset);
  if ('problem' in choice) console.error(`token-broker: ${choice.problem}`);
  else if (choice.options) return takeControlEarly(choice.options, pageControls());
  return { giveUp: () => undefined };
}

/** Calls `failed` when the worker being installed is discarded with no active worker left (a refused config). */
function whenInstallFails(registration: ServiceWorkerRegistration, failed: () => void): void {
  const installing = registration.installing;
  if (!installing || registration.active) return;
  installing.addEventListener('statechange', () => {
    if (installing.state === 'redundant' && !registration.active) failed();
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
