// Signs and decodes the demo's JWTs the way flask-jwt-extended shapes them (HS256, claims `sub`,
// `jti`, `type`, `fresh`, `csrf`, `iat`, `nbf`, `exp`), plus two claims of our own: `fam`, the login
// session the token belongs to (revoked as a whole on refresh-token reuse), and, on access tokens,
// `epoch`, which lets POST /__demo/expire age every access token at once.
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';

export type TokenType = 'access' | 'refresh';

export interface TokenClaims {
  sub: string;
  jti: string;
  type: TokenType;
  fresh: boolean;
  csrf: string;
  fam: string;
  /** Access tokens only: the server's access epoch when the token was issued. */
  epoch?: number;
  iat: number;
  exp: number;
}

export interface IssuedToken {
  /** The encoded JWT: goes into an HttpOnly cookie, never into a log line. */
  jwt: string;
  /** The double-submit value, also the `csrf` claim: goes into the script-readable cookie. */
  csrf: string;
  claims: TokenClaims;
}

export interface IssueRequest {
  type: TokenType;
  subject: string;
  family: string;
  ttlSeconds: number;
  fresh?: boolean;
  epoch?: number;
}

export type DecodeResult =
  | { ok: true; claims: TokenClaims }
  /** `claims`: the expired token's verified claims (its signature held), as PyJWT's allow_expired gives them. */
  | { ok: false; reason: 'expired'; claims: TokenClaims | undefined }
  | { ok: false; reason: 'invalid'; message: string };

const ALGORITHM = 'HS256';

export class TokenSigner {
  // A fresh secret per server instance: tokens of one test's server mean nothing to another's.
  readonly #secret: Uint8Array = new Uint8Array(randomBytes(32));
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async issue(request: IssueRequest): Promise<IssuedToken> {
    const nowSeconds = this.#now() / 1000;
    const iat = Math.floor(nowSeconds);
    // Rounded up so that a token never lives shorter than its TTL (jose compares whole seconds).
    const exp = Math.ceil(nowSeconds + request.ttlSeconds);
    const claims: TokenClaims = {
      sub: request.subject,
      jti: randomUUID(),
      type: request.type,
      fresh: request.fresh ?? false,
      csrf: randomUUID(),
      fam: request.family,
      ...(request.epoch === undefined ? {} : { epoch: request.epoch }),
      iat,
      exp,
    };
    const jwt = await new SignJWT({ ...claims, nbf: iat })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .sign(this.#secret);
    return { jwt, csrf: claims.csrf, claims };
  }

  /** Verifies signature and `exp`; answers in PyJWT's terms so the guard can map them to flask's answers. */
  async decode(jwt: string): Promise<DecodeResult> {
    if (jwt.split('.').length !== 3) return { ok: false, reason: 'invalid', message: 'Not enough segments' };
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(jwt, this.#secret, {
        algorithms: [ALGORITHM],
        currentDate: new Date(this.#now()),
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        const claims = readClaims(error.payload);
        return { ok: false, reason: 'expired', claims: typeof claims === 'string' ? undefined : claims };
      }
      if (error instanceof errors.JWSSignatureVerificationFailed) {
        return { ok: false, reason: 'invalid', message: 'Signature verification failed' };
      }
      return { ok: false, reason: 'invalid', message: 'Invalid token' };
    }
    const claims = readClaims(payload);
    if (typeof claims === 'string') return { ok: false, reason: 'invalid', message: claims };
    return { ok: true, claims };
  }
}

/** Narrows a verified payload to our claims, or names the first missing one (PyJWT's wording). */
function readClaims(payload: Record<string, unknown>): TokenClaims | string {
  const { sub, jti, type, fresh, csrf, fam, epoch, iat, exp } = payload;
  if (typeof sub !== 'string') return 'Missing claim: sub';
  if (typeof jti !== 'string') return 'Missing claim: jti';
  if (type !== 'access' && type !== 'refresh') return 'Missing claim: type';
  if (typeof csrf !== 'string') return 'Missing claim: csrf';
  if (typeof fam !== 'string') return 'Missing claim: fam';
  if (typeof iat !== 'number' || typeof exp !== 'number') return 'Missing claim: exp';
  if (epoch !== undefined && typeof epoch !== 'number') return 'Invalid claim: epoch';
  return {
    sub,
    jti,
    type,
    fresh: fresh === true,
    csrf,
    fam,
    ...(epoch === undefined ? {} : { epoch }),
    iat,
    exp,
  };
}
