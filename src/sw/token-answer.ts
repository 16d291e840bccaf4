// A token endpoint's answer, read within bounds (RFC 6749 section 5.1; the JSON variant with its
// own field names), turned into what the vault keeps (vault-secret.ts), and rewritten for the
// page with placeholders instead of tokens. An answer that is not a token answer (not JSON, a
// field missing or of the wrong type, too large, too slow) is never captured: the page gets it
// as it came, and the broker says so in one line without any value from it.

import type { TokenFields } from './bearer-config.ts';
import { BODY_READ_TIMEOUT_MS, readBodyWithin } from './bounded-body-read.ts';
import { isPlainObject } from './config-fields.ts';
import { placeholderFor } from './token-placeholders.ts';
import type { VaultSecret } from './vault-secret.ts';

/** Token answers are a few kB (an id_token with many claims: tens); past this it is not one. */
export const MAX_TOKEN_ANSWER_BYTES = 256 * 1024;
/** A token longer than this is not kept (the vault, in IndexedDB, stays small). */
export const MAX_TOKEN_CHARS = 64 * 1024;
/** The fields of a token answer a coalesced answer repeats; never a token. */
const REPEATED_FIELDS = ['token_type', 'scope'];

export interface TokenAnswer {
  /** The whole JSON object, as the server sent it. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly expiresInS?: number;
}

export type ReadAnswer =
  | { readonly kind: 'tokens'; readonly answer: TokenAnswer }
  /** A 2xx that is not a token answer; `reason` names what is wrong, never a value. */
  | { readonly kind: 'malformed'; readonly reason: string }
  /** Not a 2xx: `error` is its JSON `error` field where it has one (RFC 6749 5.2). */
  | { readonly kind: 'error'; readonly status: number; readonly error?: string };

/** Reads a clone of `response`: `response` itself is untouched, for the page if nothing is captured. */
export async function readTokenAnswer(response: Response, fields: TokenFields): Promise<ReadAnswer> {
  const read = await readBodyWithin(response, { maxBytes: MAX_TOKEN_ANSWER_BYTES, timeoutMs: BODY_READ_TIMEOUT_MS });
  let body: unknown;
  try {
    body = read.complete ? JSON.parse(new TextDecoder().decode(read.bytes)) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = isPlainObject(body) && typeof body.error === 'string' ? body.error : undefined;
    return { kind: 'error', status: response.status, ...(error === undefined ? {} : { error }) };
  }
  if (!read.complete) return { kind: 'malformed', reason: `larger than ${MAX_TOKEN_ANSWER_BYTES} bytes or slower than ${BODY_READ_TIMEOUT_MS} ms` };
  if (!isPlainObject(body)) return { kind: 'malformed', reason: 'not a JSON object' };
  const accessToken = body[fields.accessToken];
  const refreshToken = body[fields.refreshToken];
  const expiresIn = body[fields.expiresIn];
  if (!isToken(accessToken)) return { kind: 'malformed', reason: `"${fields.accessToken}" is missing, empty, not a string or too long` };
  if (refreshToken !== undefined && !isToken(refreshToken)) return { kind: 'malformed', reason: `"${fields.refreshToken}" is not a usable string` };
  const expiresInS = typeof expiresIn === 'string' && /^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn;
  if (expiresInS !== undefined && !(typeof expiresInS === 'number' && Number.isFinite(expiresInS) && expiresInS > 0)) {
    return { kind: 'malformed', reason: `"${fields.expiresIn}" is not a positive number` };
  }
  return {
    kind: 'tokens',
    answer: { body, accessToken, ...(refreshToken === undefined ? {} : { refreshToken }), ...(expiresInS === undefined ? {} : { expiresInS }) },
  };
}

export interface SessionContext {
  /** The session the answer continues (a refresh), or undefined (a login). */
  readonly previous?: VaultSecret;
  readonly grantParams: VaultSecret['grantParams'];
  readonly credentials: RequestCredentials;
  readonly placeholderSeed: string;
  readonly nowMs: number;
}

/** What the vault keeps of `answer`. A refresh answer without a refresh token keeps the previous one (no rotation). */
export function secretFrom(answer: TokenAnswer, context: SessionContext): VaultSecret {
  const refreshToken = answer.refreshToken ?? context.previous?.refreshToken;
  const answerFields = Object.fromEntries(REPEATED_FIELDS.flatMap((name) => {
    const value = answer.body[name] ?? context.previous?.answerFields[name];
    return typeof value === 'string' && value.length <= 1024 ? [[name, value]] : [];
  }));
  return {
    accessToken: answer.accessToken,
    ...(refreshToken === undefined ? {} : { refreshToken }),
    receivedAtMs: context.nowMs,
    ...(answer.expiresInS === undefined ? {} : { expiresAtMs: context.nowMs + answer.expiresInS * 1000 }),
    grantParams: context.grantParams,
    credentials: context.credentials,
    placeholderSeed: context.placeholderSeed,
    answerFields,
  };
}

/** The page's view of `answer`: its tokens as placeholders of `generation` (the access token real if exposed). */
export function hiddenAnswer(
  response: Response, answer: TokenAnswer, secret: VaultSecret, generation: number, fields: TokenFields, exposeAccessToken: boolean,
): Response {
  const body: Record<string, unknown> = { ...answer.body };
  body[fields.accessToken] = exposeAccessToken ? secret.accessToken : placeholderFor(secret.placeholderSeed, generation, 'access');
  if (answer.refreshToken !== undefined) body[fields.refreshToken] = placeholderFor(secret.placeholderSeed, generation, 'refresh');
  return jsonAnswer(body, response.status, response.headers);
}

/** A token answer made from the vault, for a page's refresh that did not go to the server. */
export function answerFromVault(secret: VaultSecret, generation: number, fields: TokenFields, exposeAccessToken: boolean, nowMs: number): Response {
  const body: Record<string, unknown> = { ...secret.answerFields };
  body[fields.accessToken] = exposeAccessToken ? secret.accessToken : placeholderFor(secret.placeholderSeed, generation, 'access');
  if (secret.expiresAtMs !== undefined) body[fields.expiresIn] = Math.max(0, Math.floor((secret.expiresAtMs - nowMs) / 1000));
  if (secret.refreshToken !== undefined) body[fields.refreshToken] = placeholderFor(secret.placeholderSeed, generation, 'refresh');
  return jsonAnswer(body, 200);
}

export function jsonAnswer(body: unknown, status: number, headers?: Headers): Response {
  const answerHeaders = new Headers(headers);
  // The body is new: its length and encoding are no longer the server's.
  answerHeaders.delete('content-length');
  answerHeaders.delete('content-encoding');
  answerHeaders.set('content-type', 'application/json');
  answerHeaders.set('cache-control', 'no-store');
  return new Response(JSON.stringify(body), { status, headers: answerHeaders });
}

function isToken(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= MAX_TOKEN_CHARS;
}
