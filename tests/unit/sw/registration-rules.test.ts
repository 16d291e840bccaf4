import { describe, expect, it } from 'vitest';
import { configUrlOf } from '../../../src/sw/config-source.ts';
import { TokenBrokerError } from '../../../src/sw/errors.ts';
import { workerUrlProblem } from '../../../src/sw/registration-rules.ts';

const ORIGIN = 'https://app.example';

function refusal(workerUrl: string): string {
  try {
    configUrlOf(workerUrl);
  } catch (error) {
    expect(error).toBeInstanceOf(TokenBrokerError);
    return (error as TokenBrokerError<'config-unavailable'>).details.reason;
  }
  throw new Error(`the config of ${workerUrl} was accepted`);
}

describe('configUrlOf: the worker takes only a config file beside itself', () => {
  it('takes a .json file in its own directory, with a version query at most', () => {
    expect(configUrlOf(`${ORIGIN}/token-broker-sw.js?config=/token-broker.json`)).toBe(`${ORIGIN}/token-broker.json`);
    expect(configUrlOf(`${ORIGIN}/token-broker-sw.js?config=${encodeURIComponent('/token-broker.json?v=2')}`)).toBe(`${ORIGIN}/token-broker.json?v=2`);
    expect(configUrlOf(`${ORIGIN}/broker/token-broker-sw.js?config=/broker/staging.json`)).toBe(`${ORIGIN}/broker/staging.json`);
  });

  it('refuses a config from another directory (an uploads folder), another origin, or not a plain .json file', () => {
    const outside = 'the config must be a .json file in the worker\'s own directory (/), with no query but ?v=';
    expect(refusal(`${ORIGIN}/token-broker-sw.js?config=/uploads/token-broker.json`)).toBe(outside);
    expect(refusal(`${ORIGIN}/broker/token-broker-sw.js?config=/token-broker.json`))
      .toBe('the config must be a .json file in the worker\'s own directory (/broker/), with no query but ?v=');
    expect(refusal(`${ORIGIN}/token-broker-sw.js?config=/api/config`)).toBe(outside);
    expect(refusal(`${ORIGIN}/token-broker-sw.js?config=${encodeURIComponent('/search.json?q={}')}`)).toBe(outside);
    expect(refusal(`${ORIGIN}/token-broker-sw.js?config=/uploads%2Fevil.json`)).toBe(outside);
    expect(refusal(`${ORIGIN}/token-broker-sw.js?config=${encodeURIComponent('//evil.example/token-broker.json')}`))
      .toBe('the config must be on the worker\'s origin');
  });
});

describe('workerUrlProblem: the register script registers only the broker', () => {
  it('takes token-broker-sw.js on the page\'s origin, in any directory', () => {
    expect(workerUrlProblem(new URL(`${ORIGIN}/token-broker-sw.js`), ORIGIN)).toBeUndefined();
    expect(workerUrlProblem(new URL(`${ORIGIN}/static/token-broker-sw.js`), ORIGIN)).toBeUndefined();
  });

  it('refuses any other script (a JSONP endpoint, an upload), a query of its own, or another origin', () => {
    const notTheBroker = 'data-sw must name a file token-broker-sw.js, with no query or fragment';
    expect(workerUrlProblem(new URL(`${ORIGIN}/some/jsonp?cb=x`), ORIGIN)).toBe(notTheBroker);
    expect(workerUrlProblem(new URL(`${ORIGIN}/uploads/evil.js`), ORIGIN)).toBe(notTheBroker);
    expect(workerUrlProblem(new URL(`${ORIGIN}/token-broker-sw.js?config=/uploads/evil.json`), ORIGIN)).toBe(notTheBroker);
    expect(workerUrlProblem(new URL(`${ORIGIN}/token-broker-sw.js.php`), ORIGIN)).toBe(notTheBroker);
    expect(workerUrlProblem(new URL('https://evil.example/token-broker-sw.js'), ORIGIN)).toBe('the worker must be on the page\'s origin');
  });
});
