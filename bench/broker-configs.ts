// The broker configs the benchmark's pages name. The matrix uses the one dist/ ships; the
// known-lifetime workload compares a broker that can only react to 401s with one told where the
// access token's expiry can be read. Both are spelled out (no preset) so that they keep meaning
// the same thing when the preset's defaults change. They sit beside the worker, at the root: the
// worker takes no config from another directory (src/sw/registration-rules.ts).

export const PROACTIVE_REFRESH_AHEAD_MS = 1500;

const FLASK_NAMES = {
  refresh: { url: '/token/refresh', method: 'POST', headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_refresh_token' } } },
  headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_access_token' } },
  // Which 401s are about expiry: as the flask-jwt-extended preset says.
  expiredWhen: { status: [401], jsonField: { name: 'msg', values: ['Token has expired', 'Missing cookie "access_token_cookie"'] } },
};

export const BROKER_CONFIGS = {
  /** dist/token-broker.json, what an adopter starts from. */
  default: { path: '/token-broker.json', content: undefined },
  /** Refreshes only when a 401 says so. */
  reactive: { path: '/token-broker-reactive.json', content: { api: ['/api/'], ...FLASK_NAMES } },
  /** Reads the access token's expiry from the CSRF cookie and refreshes before it. */
  proactive: {
    path: '/token-broker-proactive.json',
    content: { api: ['/api/'], ...FLASK_NAMES, accessExpiry: { cookie: 'csrf_access_token' }, refreshAheadMs: PROACTIVE_REFRESH_AHEAD_MS },
  },
} as const;

export type BrokerConfigName = keyof typeof BROKER_CONFIGS;

/** The config files to serve (path without the leading slash -> JSON text); dist/ has the default. */
export function brokerConfigFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const { path, content } of Object.values(BROKER_CONFIGS)) {
    if (content) files[path.slice(1)] = `${JSON.stringify(content, null, 2)}\n`;
  }
  return files;
}
