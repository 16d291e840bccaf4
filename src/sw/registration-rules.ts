// What the register script may register, and which config a standalone worker may take. Shared by
// both builds: the register script refuses early (nothing is registered), the worker refuses to
// install (a registration made some other way gets no broker either).
//
// Why: an HTML injection that cannot run script (a strict CSP: no inline script, same-origin
// scripts allowed) can still add `<script src="/token-broker-register.js" data-sw=... data-config=...
// data-scope=...>`. Without these rules that tag registers any same-origin script as a service
// worker (a JSONP endpoint, an uploaded file), or the broker with an uploaded config whose api and
// refresh URLs send the script-readable cookie values to another origin; with a scope of its own,
// such a registration outlives the page and is never replaced by the app's own tag.

export const WORKER_FILE_NAME = 'token-broker-sw.js';
const CONFIG_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.json$/;
/** A rollout marker (README: data-config="/token-broker.json?v=2"), nothing that could steer a dynamic endpoint. */
const CONFIG_VERSION_QUERY = /^\?v=[A-Za-z0-9._-]{1,64}$/;

/** Why `workerUrl` is not a broker the register script may register; undefined when it is. */
export function workerUrlProblem(workerUrl: URL, pageOrigin: string): string | undefined {
  if (workerUrl.origin !== pageOrigin) return 'the worker must be on the page\'s origin';
  if (fileNameOf(workerUrl.pathname) !== WORKER_FILE_NAME || workerUrl.search !== '' || workerUrl.hash !== '') {
    return `data-sw must name a file ${WORKER_FILE_NAME}, with no query or fragment`;
  }
  return undefined;
}

/** Why `configUrl` is not a config the worker at `workerUrl` may take; undefined when it is. A file
 * beside the worker is one the site deploys with it, not one its users can upload. */
export function configUrlProblem(configUrl: URL, workerUrl: URL): string | undefined {
  if (configUrl.origin !== workerUrl.origin) return 'the config must be on the worker\'s origin';
  const directory = directoryOf(workerUrl.pathname);
  const inDirectory = configUrl.pathname.startsWith(directory) && CONFIG_FILE_NAME.test(configUrl.pathname.slice(directory.length));
  const query = configUrl.search === '' || CONFIG_VERSION_QUERY.test(configUrl.search);
  if (!inDirectory || !query || configUrl.hash !== '') {
    return `the config must be a .json file in the worker's own directory (${directory}), with no query but ?v=`;
  }
  return undefined;
}

function directoryOf(pathname: string): string {
  return pathname.slice(0, pathname.lastIndexOf('/') + 1);
}

function fileNameOf(pathname: string): string {
  return pathname.slice(pathname.lastIndexOf('/') + 1);
}
