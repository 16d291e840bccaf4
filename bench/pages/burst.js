// What every strategy page shares: the axios instance a flask-jwt-extended front end would
// create, the burst the runner fires, and the runner's own session check. Plain ES module,
// served as is; "axios" resolves through the page's import map.
import axios from 'axios';

const ACCESS_CSRF_COOKIE = 'csrf_access_token';
const REFRESH_CSRF_COOKIE = 'csrf_refresh_token';
const CSRF_HEADER = 'X-CSRF-TOKEN';
// A bound on every request, so that no strategy can hang a cell; long enough that it never
// decides a figure (the slowest cells here take about 25 s).
const REQUEST_TIMEOUT_MS = 60_000;

/** axios reads the CSRF cookie and sets the header itself, as flask-jwt-extended's docs suggest. */
export function createHttp() {
  return axios.create({ xsrfCookieName: ACCESS_CSRF_COOKIE, xsrfHeaderName: CSRF_HEADER, timeout: REQUEST_TIMEOUT_MS });
}

/** POST /token/refresh with the refresh CSRF value; `extra` lets a strategy mark the call. */
export function refreshTokens(http, extra = {}) {
  return http.post('/token/refresh', null, { xsrfCookieName: REFRESH_CSRF_COOKIE, ...extra });
}

function readCookie(name) {
  for (const pair of document.cookie.split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return '';
}

function statusOf(error) {
  return error?.response?.status ?? 0;
}

/** Request i of a burst: GETs and POSTs with a JSON body, alternating. */
function sendOne(http, index) {
  const startedMs = performance.now();
  const request = index % 2 === 0
    ? http.get(`/api/items?n=${(index % 5) + 1}`)
    : http.post('/api/echo', { index, note: 'a JSON body that must survive a retry' });
  return request.then((response) => response.status, statusOf)
    .then((status) => ({ status, durationMs: performance.now() - startedMs }));
}

function epochNowMs() {
  return performance.timeOrigin + performance.now();
}

// When this tab last heard the broker end a refresh, however it ended (0: never): the runner
// waits out the broker's cooldown after it before the next expiry of a profile it keeps open.
const REFRESH_ENDINGS = ['refreshed', 'refresh-failed', 'session-expired'];
let lastRefreshEndedEpochMs = 0;
new BroadcastChannel('token-broker').addEventListener('message', (event) => {
  if (REFRESH_ENDINGS.includes(event.data?.type)) lastRefreshEndedEpochMs = epochNowMs();
});

/**
 * Installs window.benchBurst(n, startAtEpochMs): waits until the given wall-clock time (so that
 * the tabs of a cell fire together), sends n requests at once, and returns each one's status and
 * duration plus the wall-clock times of the first send and the last answer.
 */
export function installBench(http, strategy) {
  window.benchStrategy = strategy;
  window.benchBurst = async (n, startAtEpochMs) => {
    const waitMs = startAtEpochMs - epochNowMs();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    const firstSendEpochMs = epochNowMs();
    const results = await Promise.all(Array.from({ length: n }, (_, index) => sendOne(http, index)));
    return { firstSendEpochMs, lastAnswerEpochMs: epochNowMs(), results };
  };
  window.benchCheckSession = checkSession;
  window.benchLastRefreshEndedEpochMs = () => lastRefreshEndedEpochMs;
}

/**
 * The runner's verdict on the session, made with plain fetch so that no strategy's logic takes
 * part: whoami works, or works after one refresh made here. Anything else: the session is dead.
 */
async function checkSession() {
  const first = await fetch('/api/whoami', { cache: 'no-store' });
  if (first.ok) return 'alive';
  const refreshed = await fetch('/token/refresh', { method: 'POST', headers: { [CSRF_HEADER]: readCookie(REFRESH_CSRF_COOKIE) } });
  if (!refreshed.ok) return 'dead';
  const second = await fetch('/api/whoami', { cache: 'no-store' });
  return second.ok ? 'alive-after-refresh' : 'dead';
}
