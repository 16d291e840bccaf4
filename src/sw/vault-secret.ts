// What bearer mode keeps of a session: the tokens, when the access token expires, and what the
// page's library sent with its own grant that a refresh must send again (client_id, scope,
// resource: never a credential the worker made up). It rides in the generation record
// (generation-store.ts), so that the tokens and the generation they belong to are written in one
// IndexedDB transaction, under the refresh lock, and a restarted worker keeps the session.

export interface VaultSecret {
  readonly accessToken: string;
  /** Absent when the server issued none (then the session ends with the access token). */
  readonly refreshToken?: string;
  /** When the access token was received and when it expires (ms since the epoch, wall clock). */
  readonly receivedAtMs: number;
  readonly expiresAtMs?: number;
  /** The page's own grant's parameters to send again with a refresh, in their order. */
  readonly grantParams: readonly (readonly [name: string, value: string])[];
  /** The page's own token request's credentials mode: a refresh goes out as the page's did. */
  readonly credentials: RequestCredentials;
  /** Random per session: the page's placeholders are made from it (token-placeholders.ts). */
  readonly placeholderSeed: string;
  /** Fields of the latest token answer the page may see again in a coalesced answer (token_type, scope). */
  readonly answerFields: Readonly<Record<string, string>>;
}

const CREDENTIALS_MODES = new Set(['omit', 'same-origin', 'include']);

/** A record read back from IndexedDB is checked field by field: storage is not trusted to hold what we wrote. */
export function isVaultSecret(value: unknown): value is VaultSecret {
  if (typeof value !== 'object' || value === null) return false;
  const secret = value as Record<keyof VaultSecret, unknown>;
  return typeof secret.accessToken === 'string' && optional(secret.refreshToken, 'string') &&
    typeof secret.receivedAtMs === 'number' && optional(secret.expiresAtMs, 'number') &&
    Array.isArray(secret.grantParams) &&
    secret.grantParams.every((pair: unknown) => Array.isArray(pair) && pair.length === 2 && pair.every((part) => typeof part === 'string')) &&
    typeof secret.credentials === 'string' && CREDENTIALS_MODES.has(secret.credentials) &&
    typeof secret.placeholderSeed === 'string' &&
    typeof secret.answerFields === 'object' && secret.answerFields !== null &&
    Object.values(secret.answerFields).every((field) => typeof field === 'string');
}

function optional(value: unknown, type: 'number' | 'string'): boolean {
  return value === undefined || typeof value === type;
}
