// The config fuzz inputs, shared by the validator's fuzz test and the schema's agreement test
// (tests/unit/schema/): a valid config, bad values, and where each bad value goes.

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
  { path: ['debug'], key: 'debug', accepts: (v) => typeof v === 'boolean' },
  { path: ['namespace'], key: 'namespace', accepts: (v) => typeof v === 'string' && /^[A-Za-z0-9._~/-]{0,100}$/.test(v) },
];

export function withValueAt(path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(VALID) as Record<string | number, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}
