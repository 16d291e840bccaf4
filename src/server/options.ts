// The demo backend's run-time options: what a test may change through POST /__demo/control.
// Validated here once, so the routes can trust every field they read.

export type RefreshBehavior = 'normal' | 'error-500' | 'refuse-401' | 'hang';

/**
 * What the app passes as `max_age` to flask-jwt-extended's set_access_cookies and
 * set_refresh_cookies. 'flask-default': nothing, so the library decides (session cookies with
 * JWT_SESSION_COOKIE, else one year). 'token-lifetime': each token's lifetime, which the library
 * then uses whatever JWT_SESSION_COOKIE says: the one setup where a cookie expires with its token.
 */
export type CookieMaxAge = 'flask-default' | 'token-lifetime';

export interface DemoOptions {
  /** Lifetime of an access token (the `exp` claim). */
  accessTtlSeconds: number;
  /** Lifetime of a refresh token; flask-jwt-extended's default is 30 days. */
  refreshTtlSeconds: number;
  /** Issue a new refresh token on every refresh and mark the old one spent. */
  rotation: boolean;
  /** A spent refresh token presented again revokes its whole session. */
  reuseDetection: boolean;
  /**
   * flask's JWT_SESSION_COOKIE: true (the default) sets cookies without Max-Age; false gives them
   * Max-Age 31540000 (one year, flask's config.cookie_max_age), not the tokens' lifetimes.
   * Ignored when cookieMaxAge is 'token-lifetime', as flask ignores it when the app passes max_age.
   */
  sessionCookies: boolean;
  cookieMaxAge: CookieMaxAge;
  /** Delay added to a normal refresh answer, after the tokens were already rotated. */
  refreshDelayMs: number;
  refreshBehavior: RefreshBehavior;
  /** Delay before an "expired" 401 is answered: lets a test have a whole burst sent before any 401 returns. */
  expiredAnswerDelayMs: number;
}

export const DEFAULT_ACCESS_TTL_SECONDS = 30;
export const DEFAULT_REFRESH_TTL_SECONDS = 30 * 24 * 3600;
export const MAX_REFRESH_DELAY_MS = 60_000;
const MAX_TTL_SECONDS = 365 * 24 * 3600;
const REFRESH_BEHAVIORS: readonly RefreshBehavior[] = ['normal', 'error-500', 'refuse-401', 'hang'];
const COOKIE_MAX_AGES: readonly CookieMaxAge[] = ['flask-default', 'token-lifetime'];

export function resolveOptions(input: Partial<DemoOptions> = {}): DemoOptions {
  const resolved: DemoOptions = {
    accessTtlSeconds: DEFAULT_ACCESS_TTL_SECONDS,
    refreshTtlSeconds: DEFAULT_REFRESH_TTL_SECONDS,
    rotation: true,
    reuseDetection: true,
    sessionCookies: true,
    cookieMaxAge: 'flask-default',
    refreshDelayMs: 0,
    refreshBehavior: 'normal',
    expiredAnswerDelayMs: 0,
  };
  // Options given to the constructor go through the same checks as run-time changes.
  const result = applyOptionChanges(resolved, stripUndefined(input));
  if (!result.ok) throw new TypeError(`Token Broker demo server: ${result.error}`);
  return result.options;
}

export type OptionChangeResult = { ok: true; options: DemoOptions } | { ok: false; error: string };

/** Applies a partial change (a parsed JSON body) to the current options, or says which key is wrong. */
export function applyOptionChanges(current: DemoOptions, changes: unknown): OptionChangeResult {
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
    return { ok: false, error: 'the body must be a JSON object' };
  }
  const next: DemoOptions = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    switch (key) {
      case 'accessTtlSeconds':
      case 'refreshTtlSeconds':
        if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_TTL_SECONDS) {
          return { ok: false, error: `${key} must be an integer from 1 to ${MAX_TTL_SECONDS}` };
        }
        next[key] = value as number;
        break;
      case 'rotation':
      case 'reuseDetection':
      case 'sessionCookies':
        if (typeof value !== 'boolean') return { ok: false, error: `${key} must be true or false` };
        next[key] = value;
        break;
      case 'refreshDelayMs':
      case 'expiredAnswerDelayMs':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_REFRESH_DELAY_MS) {
          return { ok: false, error: `${key} must be a number from 0 to ${MAX_REFRESH_DELAY_MS}` };
        }
        next[key] = value;
        break;
      case 'cookieMaxAge':
        if (!COOKIE_MAX_AGES.includes(value as CookieMaxAge)) {
          return { ok: false, error: `cookieMaxAge must be one of ${COOKIE_MAX_AGES.join(', ')}` };
        }
        next.cookieMaxAge = value as CookieMaxAge;
        break;
      case 'refreshBehavior':
        if (!REFRESH_BEHAVIORS.includes(value as RefreshBehavior)) {
          return { ok: false, error: `refreshBehavior must be one of ${REFRESH_BEHAVIORS.join(', ')}` };
        }
        next.refreshBehavior = value as RefreshBehavior;
        break;
      default:
        return { ok: false, error: `unknown option "${key}"` };
    }
  }
  return { ok: true, options: next };
}

function stripUndefined(input: Partial<DemoOptions>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}
