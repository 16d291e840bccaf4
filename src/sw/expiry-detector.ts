// Is this answer "your access token expired"? Only such answers start a refresh and a replay.
// A CSRF mismatch or a missing permission is a 401 too, and a refresh cannot cure it.

import type { TokenBrokerConfig } from './config.ts';

// The JSON body is read from a clone only to look at one field; error bodies are small, and a
// body larger than this is not taken for an expiry answer.
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
  try {
    const text = await response.clone().text();
    if (text.length > MAX_INSPECTED_BODY_BYTES) return undefined;
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  } catch {
    return undefined;
  }
}
