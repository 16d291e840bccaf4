// What the page holds instead of a token: `tb.placeholder.<session seed>.<generation>.<kind>`.
// Clearly not a token (no JWT shape, a fixed prefix a reader can search for), stable for one
// generation (a library that compares the token it has with the one it gets sees one change per
// refresh), and it tells the worker which generation the page's copy is from, so that the page's
// own refresh call can be answered from a refresh already made since.

export const PLACEHOLDER_PREFIX = 'tb.placeholder.';

export type TokenKind = 'access' | 'refresh';

export interface Placeholder {
  readonly seed: string;
  readonly generation: number;
  readonly kind: TokenKind;
}

export function placeholderFor(seed: string, generation: number, kind: TokenKind): string {
  return `${PLACEHOLDER_PREFIX}${seed}.${generation}.${kind}`;
}

export function isPlaceholder(value: string): boolean {
  return value.startsWith(PLACEHOLDER_PREFIX);
}

/** What a placeholder says; undefined for anything else (a real token, a mangled placeholder). */
export function parsePlaceholder(value: string): Placeholder | undefined {
  if (!isPlaceholder(value)) return undefined;
  const [seed, generation, kind, ...rest] = value.slice(PLACEHOLDER_PREFIX.length).split('.');
  if (rest.length > 0 || !seed || !/^\d{1,15}$/.test(generation ?? '') || (kind !== 'access' && kind !== 'refresh')) return undefined;
  return { seed, generation: Number(generation), kind };
}

/** A new session's seed: 96 random bits, hex. */
export function newPlaceholderSeed(): string {
  return [...crypto.getRandomValues(new Uint8Array(12))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
