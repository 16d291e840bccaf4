// Is this answer "your access token expired"? Only such answers start a refresh and a replay.
// A CSRF mismatch or a missing permission is a 401 too, and a refresh cannot cure it.

import { BODY_READ_TIMEOUT_MS, readBodyWithin } from './bounded-body-read.ts';
import type { TokenBrokerConfig } from './config.ts';

// The JSON body is read from a clone only to look at one field; error bodies are small, and a
// body larger than this, or one that does not end within BODY_READ_TIMEOUT_MS, is not taken for
// an expiry answer.
const MAX_INSPECTED_BODY_BYTES = 64 * 1024;

export async function isExpiredAnswer(response: Response, rule: TokenBrokerConfig['expiredWhen']): Promise<boolean> {
  if (!rule.status.includes(response.status)) return false;
  if (rule.wwwAuthenticate !== undefined && !(response.headers.get('www-authenticate') ?? '').includes(rule.wwwAuthenticate)) {
    return false;
  }
  if (rule.jsonField === undefined) return true;
  const value = await readJsonField(response, rule.jsonField.name);
  return typeof value === 'string' && rule.jsonField.values.includes(value);
}

/** The top-level `name` of a JSON answer, read from a clone; undefined for anything else. */
export async function readJsonField(response: Response, name: string): Promise<unknown> {
  const declaredLength = Number(response.headers.get('content-length') ?? '0');
  if (declaredLength > MAX_INSPECTED_BODY_BYTES) return undefined;
  const read = await readBodyWithin(response, { maxBytes: MAX_INSPECTED_BODY_BYTES, timeoutMs: BODY_READ_TIMEOUT_MS });
  if (!read.complete) return undefined;
  try {
    const body: unknown = JSON.parse(new TextDecoder().decode(read.bytes));
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  } catch {
    return undefined;
  }
}
