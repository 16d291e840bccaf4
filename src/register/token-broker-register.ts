// dist/token-broker-register.js: the one tag an app adds.
//   <script src="/token-broker-register.js" data-config="/token-broker.json"></script>
// It registers the worker with its config URL and does nothing else to the page; where service
// workers are unavailable (an old browser, a non-secure origin) it does nothing at all.

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
  // The config URL travels in the worker's URL: a new config URL is a new worker, installed and
  // validated like any update.
  const configUrl = new URL(config, location.href);
  workerUrl.searchParams.set('config', configUrl.pathname + configUrl.search);
  navigator.serviceWorker.register(workerUrl.href, { scope }).catch((error: unknown) => {
    console.error(`token-broker: could not register ${workerUrl.pathname}: ${error instanceof Error ? error.message : String(error)}`);
  });
}

registerTokenBroker(document.currentScript);
