// A hand-made token backend, the kind many apps write themselves: JSON in, JSON out, no OAuth.
//   POST /auth/login   {"username"}      -> {"accessToken", "refreshToken", "expiresIn"}
//   POST /auth/refresh {"refreshToken"}  -> the same, with a new refresh token (rotation)
// A spent refresh token presented again revokes its whole family (reuse detection), as careful
// servers do; a refused refresh answers 401 {"error": "invalid_grant"}. Access tokens are HS256
// JWTs (jose); refresh tokens are opaque random strings kept here.

import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import { jwtVerify, SignJWT } from 'jose';
import { type BearerCounters, type IssuedTokenRecord, isEarlyRefresh } from './bearer-counters.ts';

export const JSON_AUTH_PREFIX = '/auth/';

interface RefreshTokenRecord {
  readonly family: string;
  readonly username: string;
  spent: boolean;
}

interface Family {
  revoked: boolean;
  /** The newest access token's lifetime, to tell a refresh for an expiry from a second one. */
  newestAccess: { iat: number; exp: number };
}

export class JsonAuthBackend {
  readonly #secret = randomBytes(32);
  readonly #refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly #families = new Map<string, Family>();
  readonly #counters: BearerCounters;
  readonly #accessTtlSeconds: () => number;
  readonly #issued: IssuedTokenRecord;

  constructor(counters: BearerCounters, accessTtlSeconds: () => number, issued: IssuedTokenRecord) {
    this.#counters = counters;
    this.#issued = issued;
    this.#accessTtlSeconds = accessTtlSeconds;
  }

  register<E extends object>(app: Hono<E>): void {
    app.post(`${JSON_AUTH_PREFIX}login`, async (c) => {
      this.#counters.increment('loginGrants');
      const body = await readJson(c.req.raw);
      const username = typeof body?.username === 'string' && body.username !== '' ? body.username : 'demo';
      const family = randomBytes(16).toString('base64url');
      return c.json(await this.#issue(username, family, undefined));
    });

    app.post(`${JSON_AUTH_PREFIX}refresh`, async (c) => {
      this.#counters.increment('refreshGrants');
      const body = await readJson(c.req.raw);
      const presented = typeof body?.refreshToken === 'string' ? body.refreshToken : '';
      const record = this.#refreshTokens.get(presented);
      const family = record ? this.#families.get(record.family) : undefined;
      if (!record || !family || family.revoked) return this.#refuse(c);
      if (record.spent) {
        // Someone holds a copy: the family is no longer trustworthy, for anyone.
        this.#counters.increment('reuseDetected');
        this.#revokeFamily(record.family, 'grantsRevoked');
        return this.#refuse(c);
      }
      record.spent = true;
      return c.json(await this.#issue(record.username, record.family, family));
    });
  }

  /** The subject of a valid access token, or undefined (expired, forged, revoked family). */
  async verifyAccessToken(token: string): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.#secret, { algorithms: ['HS256'] });
      const family = typeof payload.fam === 'string' ? this.#families.get(payload.fam) : undefined;
      if (!family || family.revoked) return undefined;
      return payload.sub;
    } catch {
      return undefined;
    }
  }

  /** Revokes every family, as an administrator would. */
  revokeAll(): number {
    let revoked = 0;
    for (const [id, family] of this.#families) {
      if (family.revoked) continue;
      this.#revokeFamily(id, 'grantsRevokedByControl');
      revoked += 1;
    }
    return revoked;
  }

  #revokeFamily(id: string, counter: 'grantsRevoked' | 'grantsRevokedByControl'): void {
    const family = this.#families.get(id);
    if (!family || family.revoked) return;
    family.revoked = true;
    this.#counters.increment(counter);
  }

  #refuse(c: { json: (body: unknown, status: 401) => Response }): Response {
    this.#counters.increment('refreshFailed');
    return c.json({ error: 'invalid_grant' }, 401);
  }

  async #issue(username: string, familyId: string, family: Family | undefined) {
    const expiresIn = this.#accessTtlSeconds();
    const iat = Math.floor(Date.now() / 1000);
    if (family && isEarlyRefresh(family.newestAccess.iat, family.newestAccess.exp, iat)) this.#counters.increment('refreshEarly');
    const newestAccess = { iat, exp: iat + expiresIn };
    if (family) family.newestAccess = newestAccess;
    else this.#families.set(familyId, { revoked: false, newestAccess });
    const accessToken = await new SignJWT({ fam: familyId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(username)
      .setIssuedAt(iat)
      .setExpirationTime(newestAccess.exp)
      .setJti(randomBytes(8).toString('base64url'))
      .sign(this.#secret);
    const refreshToken = randomBytes(32).toString('base64url');
    this.#refreshTokens.set(refreshToken, { family: familyId, username, spent: false });
    this.#issued.add(accessToken);
    this.#issued.add(refreshToken);
    return { accessToken, refreshToken, expiresIn };
  }
}

async function readJson(request: Request): Promise<Record<string, unknown> | undefined> {
  try {
    const body: unknown = await request.json();
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
