// The bearer demo's app, written as an oidc-client-ts app usually is: the library unchanged, its
// user in localStorage so that every tab shares one login, automaticSilentRenew on, and API calls
// that send `Authorization: Bearer <user.access_token>`. Nothing here knows about the broker.

import { type User, UserManager, WebStorageStateStore } from 'oidc-client-ts';

export const CLIENT_ID = 'token-broker-demo';
export const API_URL = '/bearer-api/data';
/** Renew this long before expiry (the library's default, 60 s, is longer than the demo's tokens). */
const DEFAULT_RENEW_AHEAD_SECONDS = 3;

export interface ApiTally {
  sent: number;
  succeeded: number;
  unauthorized: number;
  failed: number;
}

export interface RenewTally {
  renewed: number;
  errors: number;
}

export function createUserManager(): UserManager {
  const page = `${location.origin}/bearer/`;
  const ahead = Number(new URLSearchParams(location.search).get('renewAhead') ?? DEFAULT_RENEW_AHEAD_SECONDS);
  return new UserManager({
    authority: `${location.origin}/oidc`,
    client_id: CLIENT_ID,
    redirect_uri: page,
    post_logout_redirect_uri: page,
    // offline_access with prompt=consent: how OIDC asks for a refresh token.
    scope: 'openid offline_access',
    prompt: 'consent',
    automaticSilentRenew: true,
    accessTokenExpiringNotificationTimeInSeconds: Number.isFinite(ahead) && ahead > 0 ? ahead : DEFAULT_RENEW_AHEAD_SECONDS,
    userStore: new WebStorageStateStore({ store: window.localStorage }),
  });
}

/** Finishes a login redirect if this load is one, and drops code and state from the address bar. */
export async function completeLoginRedirect(manager: UserManager): Promise<User | undefined> {
  const query = new URLSearchParams(location.search);
  if (!query.has('code') || !query.has('state')) return undefined;
  try {
    return await manager.signinRedirectCallback();
  } finally {
    query.delete('code');
    query.delete('state');
    query.delete('iss');
    const rest = query.toString();
    history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}`);
  }
}

/** One API call with the library's current access token, counted by how it ended for the page. */
export async function callApi(manager: UserManager, tally: ApiTally): Promise<number> {
  const user = await manager.getUser();
  tally.sent += 1;
  let status = 0;
  try {
    const response = await fetch(API_URL, { headers: user ? { Authorization: `Bearer ${user.access_token}` } : {} });
    status = response.status;
    await response.body?.cancel();
  } catch {
    status = 0;
  }
  if (status >= 200 && status < 300) tally.succeeded += 1;
  else if (status === 401) tally.unauthorized += 1;
  else tally.failed += 1;
  return status;
}

/** Calls the API every `intervalMs` while logged in; returns the function that stops it. */
export function callApiEvery(manager: UserManager, tally: ApiTally, intervalMs: number, onEach: () => void): () => void {
  let stopped = false;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      if (await manager.getUser()) {
        await callApi(manager, tally);
        onEach();
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  };
  void loop();
  return () => {
    stopped = true;
  };
}
