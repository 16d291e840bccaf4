// flask-jwt-extended's verify_jwt_in_request for JWTs in cookies, step for step, because the
// broker must recognise exactly these answers:
//   1. cookie missing              -> 401 Missing cookie "<name>"
//   2. CSRF header missing         -> 401 Missing CSRF token          (POST, PUT, PATCH, DELETE only)
//   3. decode: malformed/bad sig   -> 422 <decoding error>
//   4. CSRF header != csrf claim   -> 401 CSRF double submit tokens do not match
//      (before expiry: flask decodes an expired token again to build its error, and that decode
//      compares the CSRF value, so an expired token with a wrong header is a CSRF 401)
//   5. expired                     -> 401 Token has expired           (our access epoch counts here too)
//   6. wrong token type            -> 422 Only non-refresh tokens are allowed / Only refresh tokens are allowed
//   7. blocklist                   -> 401 Token has been revoked
// OPTIONS is exempt, as JWT's default exempt_methods says.
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { ACCESS_COOKIE, CSRF_HEADER, REFRESH_COOKIE, readCookie } from './cookies.ts';
import type { DemoState } from './state.ts';
import type { TokenClaims } from './tokens.ts';

const CSRF_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const EXEMPT_METHODS = new Set(['OPTIONS']);

export type GuardFailureKind =
  | 'missing-cookie'
  | 'missing-csrf'
  | 'expired'
  | 'invalid'
  | 'csrf-mismatch'
  | 'wrong-type'
  | 'revoked';

export type GuardResult =
  | { ok: true; claims: TokenClaims | undefined }
  | { ok: false; status: 401 | 422; msg: string; kind: GuardFailureKind; reuseDetected: boolean };

export const EXPIRED_MSG = 'Token has expired';
export const REVOKED_MSG = 'Token has been revoked';

export async function verifyJwtInRequest(c: Context, state: DemoState, refresh: boolean): Promise<GuardResult> {
  if (EXEMPT_METHODS.has(c.req.method)) return { ok: true, claims: undefined };
  const cookieName = refresh ? REFRESH_COOKIE : ACCESS_COOKIE;
  const jwt = readCookie(c, cookieName);
  if (!jwt) return fail(401, `Missing cookie "${cookieName}"`, 'missing-cookie');

  let csrfValue: string | undefined;
  if (CSRF_METHODS.has(c.req.method)) {
    csrfValue = c.req.header(CSRF_HEADER);
    if (!csrfValue) return fail(401, 'Missing CSRF token', 'missing-csrf');
  }

  const decoded = await state.signer.decode(jwt);
  if (!decoded.ok && decoded.reason === 'invalid') return fail(422, decoded.message, 'invalid');
  const claims = decoded.claims;
  if (csrfValue !== undefined && claims && !sameString(csrfValue, claims.csrf)) {
    return fail(401, 'CSRF double submit tokens do not match', 'csrf-mismatch');
  }
  if (!decoded.ok || !claims) return fail(401, EXPIRED_MSG, 'expired');
  if (claims.epoch !== undefined && claims.epoch < state.accessEpoch) return fail(401, EXPIRED_MSG, 'expired');

  if (refresh && claims.type !== 'refresh') return fail(422, 'Only refresh tokens are allowed', 'wrong-type');
  if (!refresh && claims.type === 'refresh') return fail(422, 'Only non-refresh tokens are allowed', 'wrong-type');

  const verdict = state.sessions.check(claims, state.options.reuseDetection);
  if (verdict !== 'allowed') return { ...fail(401, REVOKED_MSG, 'revoked'), reuseDetected: verdict === 'reuse-detected' };
  return { ok: true, claims };
}

/** The JSON answer flask-jwt-extended's default callbacks give. */
export function failureResponse(c: Context, result: Extract<GuardResult, { ok: false }>): Response {
  return c.json({ msg: result.msg }, result.status);
}

function fail(status: 401 | 422, msg: string, kind: GuardFailureKind): Extract<GuardResult, { ok: false }> {
  return { ok: false, status, msg, kind, reuseDetected: false };
}

// compare_digest, as flask does: no early exit that would leak how much of the value matched.
function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
