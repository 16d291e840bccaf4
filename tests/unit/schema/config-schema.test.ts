// The config's JSON Schema (schema/token-broker.schema.json, shipped in the package so that
// editors complete and check token-broker.json) must say what the worker's own validator says:
// the same configs valid, the same invalid. Checked on the validator's fuzz inputs and a few more.
// Rules only the worker checks (each compares two values, which a JSON Schema cannot): an endpoint
// (refresh.url, or a bearer mode's) inside an api prefix, json.refreshTokenField equal to
// json.accessTokenField, and maxHeldBodyBytes below maxReplayBodyBytes.

import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sw/config.ts';
import { TokenBrokerError } from '../../../src/sw/errors.ts';
import {
  BAD_VALUES, BEARER_BAD_VALUES, BEARER_TARGETS, ORIGIN, TARGETS, VALID, VALID_JSON, VALID_OAUTH, withValueAt,
} from '../sw/config-fuzz-inputs.ts';

const schema = JSON.parse(readFileSync(new URL('../../../schema/token-broker.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);

/** Problems only the worker can find: each compares two values of the config. */
const CROSS_FIELD = [
  // An endpoint against the api prefixes: a schema cannot compare one string with another's prefix.
  /^"(refresh\.url|oauth\.(tokenEndpoint|revocationEndpoint|endSessionEndpoint)|json\.(refreshUrl|logoutUrl|loginUrls\[\d+\]))" must not be inside an "api" prefix/,
  // Two numbers compared: draft-07 has no $data.
  /^"maxHeldBodyBytes" must be at least maxReplayBodyBytes/,
  // Two field names compared (one answer field cannot be both tokens): draft-07 cannot say "differs from".
  /^"json\.refreshTokenField" must differ from "json\.accessTokenField"/,
];

/** The worker's verdict: undefined when valid, else its problems. */
function workerProblems(config: unknown): readonly string[] | undefined {
  try {
    resolveConfig(config, ORIGIN);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(TokenBrokerError);
    return (error as TokenBrokerError<'invalid-config'>).details.problems;
  }
}

function expectAgreement(config: unknown): void {
  const problems = workerProblems(config);
  const schemaValid = validate(config);
  if (problems === undefined) {
    expect(schemaValid, `schema refuses what the worker accepts: ${JSON.stringify(validate.errors)}`).toBe(true);
  } else if (problems.every((problem) => CROSS_FIELD.some((rule) => rule.test(problem)))) {
    // Only a rule the schema cannot express: whatever the schema says, the worker refuses it.
    expect(problems.length).toBeGreaterThan(0);
  } else {
    expect(schemaValid, `schema accepts what the worker refuses: ${problems.join('; ')}`).toBe(false);
  }
}

describe('the config schema agrees with the worker\'s validator', () => {
  it('on the valid base config, and on the smallest valid config', () => {
    expect(validate(VALID)).toBe(true);
    expect(validate({ api: ['/api/'], refresh: { url: '/token/refresh' } })).toBe(true);
    expectAgreement(VALID);
  });

  let cases = 0;
  for (const target of TARGETS) {
    for (const value of BAD_VALUES) {
      cases += 1;
      it(`on ${JSON.stringify(value)} at ${target.key}`, () => {
        expectAgreement(withValueAt(target.path, value));
      });
    }
  }

  let bearerCases = 0;
  for (const target of BEARER_TARGETS) {
    for (const value of BEARER_BAD_VALUES) {
      bearerCases += 1;
      it(`on ${JSON.stringify(value)} at ${target.key} (bearer mode)`, () => {
        expectAgreement(withValueAt(target.path, value, target.base));
      });
    }
  }

  it('on the valid bearer configs, and the smallest of each', () => {
    for (const config of [VALID_OAUTH, VALID_JSON, { api: ['/api/'], oauth: { tokenEndpoint: '/oauth/token' } }, { api: ['/api/'], json: { refreshUrl: '/auth/refresh' } }]) {
      expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
      expectAgreement(config);
    }
  });

  const MORE: [string, unknown][] = [
    ['an unknown top-level key', withValueAt(['extra'], 1)],
    ['an unknown refresh key', withValueAt(['refresh', 'retry'], 1)],
    ['an unknown expiredWhen key', withValueAt(['expiredWhen', 'body'], 1)],
    ['$schema as a string', { $schema: './node_modules/token-broker/schema/token-broker.schema.json', ...VALID }],
    ['$schema as a number', { $schema: 1, ...VALID }],
    ['a lower-case refresh method', withValueAt(['refresh', 'method'], 'post')],
    ['an unknown refresh method', withValueAt(['refresh', 'method'], 'DELETE')],
    ['an absolute API prefix', withValueAt(['api', 0], 'https://api.example.com/v1/')],
    ['an absolute API prefix in capitals', withValueAt(['api', 0], 'HTTPS://API.example.com/v1/')],
    ['a protocol-relative API prefix', withValueAt(['api', 0], '//api.example.com/')],
    ['an API prefix with a fragment', withValueAt(['api', 0], '/api/#x')],
    ['an absolute refresh URL with a query', withValueAt(['refresh', 'url'], 'https://auth.example/refresh?x=1')],
    ['a header name with a space', withValueAt(['headers'], { 'X CSRF': 'a' })],
    ['a cookie header with a second key', withValueAt(['headers', 'X-CSRF-TOKEN'], { cookie: 'a', path: '/' })],
    ['a 5xx expiry status', withValueAt(['expiredWhen', 'status'], [500])],
    ['a jsonField without values', withValueAt(['expiredWhen', 'jsonField'], { name: 'msg' })],
    ['a jsonField with an empty name', withValueAt(['expiredWhen', 'jsonField'], { name: '', values: ['x'] })],
    ['failedWhen with a jsonField', withValueAt(['refresh', 'failedWhen'], { jsonField: { name: 'msg', values: ['Missing CSRF token'] } })],
    ['failedWhen with an extra key', withValueAt(['refresh', 'failedWhen'], { jsonField: { name: 'msg', values: ['x'] }, status: 401 })],
    ['a fractional timeout', withValueAt(['refreshTimeoutMs'], 1.5)],
    ['a refresh URL inside an api prefix (worker only)', withValueAt(['refresh', 'url'], '/api/refresh')],
    ['a held-body budget below the replay bound (worker only)', withValueAt(['maxHeldBodyBytes'], 999)],
    ['not an object', ['/api/']],
    ['learnLifetime false', withValueAt(['learnLifetime'], false)],
    ['no mode at all', { api: ['/api/'] }],
    ['cookie and oauth at once', { ...VALID, oauth: VALID_OAUTH.oauth }],
    ['oauth and json at once', { ...VALID_OAUTH, json: VALID_JSON.json }],
    ['learnLifetime in bearer mode', { ...VALID_OAUTH, learnLifetime: true }],
    ['preset in bearer mode', { ...VALID_JSON, preset: 'flask-jwt-extended' }],
    ['headers in bearer mode', { ...VALID_OAUTH, headers: {} }],
    ['accessExpiry in bearer mode', { ...VALID_JSON, accessExpiry: { cookie: 'x' } }],
    ['debug and namespace in bearer mode', { ...VALID_OAUTH, debug: true, namespace: 'shop', $schema: './schema.json' }],
    ['the limits in bearer mode', { ...VALID_JSON, cooldownMs: 1, maxReplayBodyBytes: 5, maxHeldBodyBytes: 5, maxConcurrentRequests: 1 }],
    ['a bad limit in bearer mode', { ...VALID_JSON, maxConcurrentRequests: 0 }],
    ['a bad namespace in bearer mode', { ...VALID_OAUTH, namespace: 'a b' }],
    ['an unknown oauth key', withValueAt(['oauth', 'clientSecret'], 's', VALID_OAUTH)],
    ['an unknown json key', withValueAt(['json', 'fields'], {}, VALID_JSON)],
    ['an oauth without tokenEndpoint', { api: ['/api/'], oauth: {} }],
    ['an empty loginUrls', withValueAt(['json', 'loginUrls'], [], VALID_JSON)],
    ['a field name starting with a digit', withValueAt(['json', 'expiresInField'], '9lives', VALID_JSON)],
    ['a field name of 64', withValueAt(['json', 'expiresInField'], `e${'x'.repeat(63)}`, VALID_JSON)],
    ['a token endpoint inside an api prefix (worker only)', withValueAt(['oauth', 'tokenEndpoint'], 'https://api.example/v1/token', VALID_OAUTH)],
    ['an end-session endpoint inside an api prefix (worker only)', withValueAt(['oauth', 'endSessionEndpoint'], 'https://api.example/v1/end', VALID_OAUTH)],
    ['a login URL inside an api prefix (worker only)', withValueAt(['json', 'loginUrls'], ['/auth/login', '/api/login'], VALID_JSON)],
    ['a logout URL inside an api prefix (worker only)', withValueAt(['json', 'logoutUrl'], '/api/logout', VALID_JSON)],
    ['one field for both tokens (worker only)', withValueAt(['json', 'refreshTokenField'], 'accessToken', VALID_JSON)],
    ['a held-body budget below the replay bound in bearer mode (worker only)', { ...VALID_JSON, maxReplayBodyBytes: 10, maxHeldBodyBytes: 9 }],
  ];
  for (const [what, config] of MORE) {
    it(`on ${what}`, () => expectAgreement(config));
  }

  it('ran the whole fuzz matrix', () => {
    expect(cases).toBeGreaterThan(250);
    expect(bearerCases).toBeGreaterThan(250);
  });
});
