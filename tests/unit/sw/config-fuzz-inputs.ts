// The config fuzz inputs, shared by the validator's fuzz test and the schema's agreement test
// (tests/unit/schema/): a valid config of each mode (cookie, oauth, json), bad values, and where
// each bad value goes.

export const ORIGIN = 'https://app.example';
export const VALID = {
  preset: 'flask-jwt-extended',
  api: ['/api/'],
  refresh: { url: '/token/refresh', method: 'POST', headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_refresh_token' } }, credentials: 'same-origin' },
  headers: { 'X-CSRF-TOKEN': { cookie: 'csrf_access_token' } },
  refreshTimeoutMs: 10_000,
  cooldownMs: 3_000,
  maxReplayBodyBytes: 1_000,
  maxHeldBodyBytes: 4_000,
  maxConcurrentRequests: 8,
  expiredWhen: { status: [401], jsonField: { name: 'msg', values: ['Token has expired'] }, wwwAuthenticate: 'invalid_token' },
  accessExpiry: { cookie: 'csrf_access_token' },
  refreshAheadMs: 2_000,
  namespace: 'shop',
};

export const BAD_VALUES: unknown[] = [null, 0, -1, 1.5, 'text', '', [], [1], {}, { cookie: 1 }, true, 'ftp://files.example/', '/api/?q=1'];

/** Where a bad value goes, and the key the problem must name. */
const isEmptyObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

export const TARGETS: { path: (string | number)[]; key: string; accepts?: (value: unknown) => boolean }[] = [
  { path: ['preset'], key: 'preset' },
  { path: ['api'], key: 'api' },
  { path: ['api', 0], key: 'api[0]' },
  { path: ['refresh'], key: 'refresh' },
  { path: ['refresh', 'url'], key: 'refresh.url' },
  { path: ['refresh', 'method'], key: 'refresh.method' },
  { path: ['refresh', 'headers'], key: 'refresh.headers', accepts: isEmptyObject },
  { path: ['refresh', 'headers', 'X-CSRF-TOKEN'], key: 'refresh.headers.X-CSRF-TOKEN', accepts: (v) => typeof v === 'string' },
  { path: ['refresh', 'credentials'], key: 'refresh.credentials' },
  { path: ['headers'], key: 'headers', accepts: isEmptyObject },
  { path: ['headers', 'X-CSRF-TOKEN'], key: 'headers.X-CSRF-TOKEN', accepts: (v) => typeof v === 'string' },
  { path: ['refreshTimeoutMs'], key: 'refreshTimeoutMs' },
  { path: ['cooldownMs'], key: 'cooldownMs' },
  { path: ['maxReplayBodyBytes'], key: 'maxReplayBodyBytes' },
  { path: ['maxHeldBodyBytes'], key: 'maxHeldBodyBytes' },
  { path: ['maxConcurrentRequests'], key: 'maxConcurrentRequests' },
  { path: ['expiredWhen'], key: 'expiredWhen', accepts: isEmptyObject },
  { path: ['expiredWhen', 'status'], key: 'expiredWhen.status' },
  { path: ['expiredWhen', 'jsonField'], key: 'expiredWhen.jsonField' },
  { path: ['expiredWhen', 'wwwAuthenticate'], key: 'expiredWhen.wwwAuthenticate', accepts: (v) => typeof v === 'string' && v !== '' },
  { path: ['accessExpiry'], key: 'accessExpiry' },
  { path: ['refreshAheadMs'], key: 'refreshAheadMs' },
  { path: ['learnLifetime'], key: 'learnLifetime', accepts: (v) => typeof v === 'boolean' },
  { path: ['debug'], key: 'debug', accepts: (v) => typeof v === 'boolean' },
  { path: ['namespace'], key: 'namespace', accepts: (v) => typeof v === 'string' && /^[A-Za-z0-9._~/-]{0,100}$/.test(v) },
];

/** `base` (the cookie-mode VALID unless given) with `value` put at `path`; `base` itself unchanged. */
export function withValueAt(path: (string | number)[], value: unknown, base: object = VALID): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

// Bearer mode: the same fuzz over both of its variants.
export const VALID_OAUTH = {
  api: ['https://api.example/v1/'],
  oauth: {
    tokenEndpoint: 'https://auth.example/oauth/token',
    revocationEndpoint: 'https://auth.example/oauth/revoke',
    endSessionEndpoint: 'https://auth.example/session/end',
    exposeAccessToken: false,
    persistTokens: true,
  },
  refreshTimeoutMs: 10_000,
  refreshAheadMs: 30_000,
  expiredWhen: { status: [401], wwwAuthenticate: 'invalid_token' },
};
export const VALID_JSON = {
  api: ['/api/'],
  json: {
    refreshUrl: '/auth/refresh',
    loginUrls: ['/auth/login'],
    logoutUrl: '/auth/logout',
    requestField: 'refreshToken',
    accessTokenField: 'accessToken',
    refreshTokenField: 'refreshToken',
    expiresInField: 'expiresIn',
    exposeAccessToken: true,
    persistTokens: false,
  },
};

/** The shared bad values, and what only a field name or a boolean can get wrong. */
export const BEARER_BAD_VALUES: unknown[] = [...BAD_VALUES, false, 'has space', 'x'.repeat(65)];

const isFieldName = (v: unknown) => typeof v === 'string' && /^[A-Za-z_]/.test(v);

export const BEARER_TARGETS: { base: object; path: (string | number)[]; key: string; accepts?: (value: unknown) => boolean }[] = [
  { base: VALID_OAUTH, path: ['api'], key: 'api' },
  { base: VALID_OAUTH, path: ['oauth'], key: 'oauth' },
  { base: VALID_OAUTH, path: ['oauth', 'tokenEndpoint'], key: 'oauth.tokenEndpoint' },
  { base: VALID_OAUTH, path: ['oauth', 'revocationEndpoint'], key: 'oauth.revocationEndpoint' },
  { base: VALID_OAUTH, path: ['oauth', 'endSessionEndpoint'], key: 'oauth.endSessionEndpoint' },
  { base: VALID_OAUTH, path: ['oauth', 'exposeAccessToken'], key: 'oauth.exposeAccessToken', accepts: (v) => typeof v === 'boolean' },
  { base: VALID_OAUTH, path: ['oauth', 'persistTokens'], key: 'oauth.persistTokens', accepts: (v) => typeof v === 'boolean' },
  { base: VALID_OAUTH, path: ['refreshAheadMs'], key: 'refreshAheadMs' },
  { base: VALID_OAUTH, path: ['expiredWhen', 'status'], key: 'expiredWhen.status' },
  { base: VALID_JSON, path: ['json'], key: 'json' },
  { base: VALID_JSON, path: ['json', 'refreshUrl'], key: 'json.refreshUrl' },
  { base: VALID_JSON, path: ['json', 'loginUrls'], key: 'json.loginUrls', accepts: (v) => Array.isArray(v) && v.length === 0 },
  { base: VALID_JSON, path: ['json', 'loginUrls', 0], key: 'json.loginUrls[0]' },
  { base: VALID_JSON, path: ['json', 'logoutUrl'], key: 'json.logoutUrl' },
  { base: VALID_JSON, path: ['json', 'requestField'], key: 'json.requestField', accepts: isFieldName },
  { base: VALID_JSON, path: ['json', 'accessTokenField'], key: 'json.accessTokenField', accepts: (v) => isFieldName(v) && v !== 'refreshToken' },
  { base: VALID_JSON, path: ['json', 'refreshTokenField'], key: 'json.refreshTokenField', accepts: (v) => isFieldName(v) && v !== 'accessToken' },
  { base: VALID_JSON, path: ['json', 'expiresInField'], key: 'json.expiresInField', accepts: isFieldName },
  { base: VALID_JSON, path: ['json', 'exposeAccessToken'], key: 'json.exposeAccessToken', accepts: (v) => typeof v === 'boolean' },
  { base: VALID_JSON, path: ['json', 'persistTokens'], key: 'json.persistTokens', accepts: (v) => typeof v === 'boolean' },
];
