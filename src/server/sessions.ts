// Login sessions ("families") and the blocklist that flask apps build with
// token_in_blocklist_loader: spent refresh-token jtis and revoked families.
// Reuse detection lives here because it is a blocklist decision with a side effect:
// a spent refresh token presented again revokes every token of its login.
import { randomUUID } from 'node:crypto';
import type { TokenClaims } from './tokens.ts';

export type BlocklistVerdict = 'allowed' | 'revoked' | 'reuse-detected';

export class SessionRegistry {
  readonly #revokedFamilies = new Set<string>();
  readonly #spentRefreshJtis = new Set<string>();

  startSession(): string {
    return randomUUID();
  }

  markSpent(refreshJti: string): void {
    this.#spentRefreshJtis.add(refreshJti);
  }

  /** True when the family was live until now. */
  revoke(family: string): boolean {
    if (this.#revokedFamilies.has(family)) return false;
    this.#revokedFamilies.add(family);
    return true;
  }

  /**
   * The blocklist check. 'reuse-detected' means this call found a spent refresh token and revoked
   * its family (the caller counts it); later calls for that family answer 'revoked'.
   */
  check(claims: TokenClaims, reuseDetection: boolean): BlocklistVerdict {
    if (this.#revokedFamilies.has(claims.fam)) return 'revoked';
    if (claims.type === 'refresh' && reuseDetection && this.#spentRefreshJtis.has(claims.jti)) {
      this.revoke(claims.fam);
      return 'reuse-detected';
    }
    return 'allowed';
  }
}
