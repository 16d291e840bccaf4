// Bearer mode with `persistTokens: false`: the generation record goes to IndexedDB as always, but
// the tokens in it stay in this worker's memory. IndexedDB is the origin's: any script running on
// the page can open the broker's database and read what is there. Kept in memory, the tokens are
// out of the page's reach; the price is that a stopped, restarted or updated worker has lost the
// session (the page's library then meets invalid_grant from the broker and logs in again).

import type { CredentialGeneration, GenerationStore } from './generation-store.ts';
import type { VaultSecret } from './vault-secret.ts';

export class MemoryOnlySecrets implements GenerationStore {
  readonly #store: GenerationStore;
  /** The secret of the generation it was written with. */
  #secret: { readonly generation: number; readonly secret: VaultSecret } | undefined;

  constructor(store: GenerationStore) {
    this.#store = store;
  }

  async read(): Promise<CredentialGeneration> {
    const { secret: _never, ...stored } = await this.#store.read();
    // Only the generation the tokens were written with carries them: a newer one (another worker's
    // refresh, a logout) has tokens this worker does not hold.
    return this.#secret?.generation === stored.generation ? { ...stored, secret: this.#secret.secret } : stored;
  }

  async write(value: CredentialGeneration): Promise<void> {
    const { secret, ...withoutSecret } = value;
    this.#secret = secret ? { generation: value.generation, secret } : undefined;
    await this.#store.write(withoutSecret);
  }
}
