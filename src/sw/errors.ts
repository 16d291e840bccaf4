// One error class with stable codes, every message in one table (the workbox model).
// Messages name URLs and config keys, never a token, cookie value or header value.

const messages = {
  'invalid-config': (d: { problems: readonly string[] }) =>
    `token-broker: the config is invalid, the broker will not install:\n  - ${d.problems.join('\n  - ')}`,
  'config-unavailable': (d: { url: string; reason: string }) =>
    `token-broker: could not load the config from ${d.url}: ${d.reason}`,
  'storage-unavailable': (d: { reason: string }) =>
    `token-broker: IndexedDB is unavailable (${d.reason}); the broker goes on from memory`,
} as const;

type Messages = typeof messages;
export type TokenBrokerErrorCode = keyof Messages;

export class TokenBrokerError<C extends TokenBrokerErrorCode = TokenBrokerErrorCode> extends Error {
  override readonly name = 'TokenBrokerError';
  readonly code: C;
  readonly details: Parameters<Messages[C]>[0];

  constructor(code: C, details: Parameters<Messages[C]>[0]) {
    const format = messages[code] as (d: Parameters<Messages[C]>[0]) => string;
    super(format(details));
    this.code = code;
    this.details = details;
  }
}
