// A fingerprint of credential values: enough to tell "the same credentials" from "new ones" (a new
// login), never enough to recover them. SHA-256 of values that are themselves random secrets
// (flask-jwt-extended's CSRF values are 128-bit UUIDs), so it may be persisted; the values are not.

/** Hex SHA-256 of the named values (null: absent), in the order given. */
export async function fingerprintOf(values: readonly (readonly [name: string, value: string | null])[]): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(values)));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
