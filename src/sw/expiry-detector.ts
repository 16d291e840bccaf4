// What does this answer say about the credentials it was sent with? Only an expiry starts a
// refresh and a replay. A CSRF mismatch or a missing permission is a 401 too, and a refresh cannot
// cure it; but one that arrives after the credentials moved on (a refresh landed between the
// request's stamp and its answer) may be cured by a replay with the new ones.

import { BODY_READ_TIMEOUT_MS, readBodyWithin } from './bounded-body-read.ts';
import type { TokenBrokerConfig } from './config.ts';

// The JSON body is read from a clone only to look at one field; error bodies are small, and a
// body larger than this, or one that does not end within BODY_READ_TIMEOUT_MS, is not taken for
// an expiry answer.
const MAX_INSPECTED_BODY_BYTES = 64 * 1024;

/**
 * - 'expired': the answer says so in words (expiredWhen.jsonField or wwwAuthenticate matched);
 * - 'presumed-expired': a status of expiredWhen.status, where the config gives no words to check;
 * - 'rejected': such a status, but the words say something else (CSRF, revoked, permission);
 * - 'other': any other answer.
 */
export type AnswerKind = 'expired' | 'presumed-expired' | 'rejected' | 'other';

export async function classifyAnswer(response: Response, rule: TokenBrokerConfig['expiredWhen']): Promise<AnswerKind> {
  if (!rule.status.includes(response.status)) return 'other';
  if (rule.wwwAuthenticate === undefined && rule.jsonField === undefined) return 'presumed-expired';
  if (rule.wwwAuthenticate !== undefined && !(response.headers.get('www-authenticate') ?? '').includes(rule.wwwAuthenticate)) {
    return 'rejected';
  }
  if (rule.jsonField === undefined) return 'expired';
  return (await jsonFieldMatches(response, rule.jsonField)) ? 'expired' : 'rejected';
}

/** Does the answer's JSON body hold one of `field.values` at its top-level key `field.name`? */
export async function jsonFieldMatches(response: Response, field: { readonly name: string; readonly values: readonly string[] }): Promise<boolean> {
  const value = await readJsonField(response, field.name);
  return typeof value === 'string' && field.values.includes(value);
}

/** Is this answer "your access token expired", in words or by its status alone? */
export async function isExpiredAnswer(response: Response, rule: TokenBrokerConfig['expiredWhen']): Promise<boolean> {
  const kind = await classifyAnswer(response, rule);
  return kind === 'expired' || kind === 'presumed-expired';
}

/** The top-level `name` of a JSON answer, read from a clone; undefined for anything else. */
async function readJsonField(response: Response, name: string): Promise<unknown> {
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
