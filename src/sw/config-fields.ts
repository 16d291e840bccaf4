// The config's field parsers: each reads one kind of value, reports what is wrong with it under
// the key it was found at, and never echoes a long or sensitive value back.

import type { ApiPrefix, HeaderValue } from './config.ts';

// RFC 9110 token characters: what a header name may be made of.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export type Report = (key: string, what: string) => void;

export function parseUrlPrefix(value: unknown, workerOrigin: string): ApiPrefix | string {
  if (typeof value !== 'string' || value === '') {
    return `must be a path starting with "/" or an absolute http(s) URL; got ${describe(value)}`;
  }
  if (!value.startsWith('/') || value.startsWith('//')) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return `must be a path starting with "/" or an absolute http(s) URL; got "${value}"`;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must use http or https; got "${url.protocol}"`;
    if (url.search || url.hash) return 'must not have a query or a fragment';
    return { origin: url.origin, pathPrefix: url.pathname };
  }
  const url = new URL(value, workerOrigin);
  if (url.search || url.hash) return 'must not have a query or a fragment';
  return { origin: url.origin, pathPrefix: url.pathname };
}

export function parseHeaders(value: unknown, key: string, problem: Report): Record<string, HeaderValue> {
  if (!isPlainObject(value)) {
    problem(key, `must be an object of header names to values; got ${describe(value)}`);
    return {};
  }
  const headers: Record<string, HeaderValue> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (!HEADER_NAME.test(name)) {
      problem(`${key}.${name}`, 'is not a valid header name');
    } else if (typeof headerValue === 'string') {
      headers[name] = headerValue;
    } else if (isPlainObject(headerValue) && typeof headerValue.cookie === 'string' && headerValue.cookie !== '' &&
      Object.keys(headerValue).length === 1) {
      headers[name] = { cookie: headerValue.cookie };
    } else {
      problem(`${key}.${name}`, `must be a string or { "cookie": NAME }; got ${describe(headerValue)}`);
    }
  }
  return headers;
}

export function parsePositiveInteger(value: unknown, key: string, fallback: number, problem: Report): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  problem(key, `must be a positive whole number; got ${describe(value)}`);
  return fallback;
}

export function reportUnknownKeys(object: Record<string, unknown>, known: string[], prefix: string, problem: Report) {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) problem(prefix + key, `is not a known key (known: ${known.join(', ')})`);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Says what kind of value was found, without echoing long or sensitive contents. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return value.length <= 60 ? `"${value}"` : 'a long string';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
