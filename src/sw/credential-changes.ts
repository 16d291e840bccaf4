// Logins, as the worker can see them: the Cookie Store API's change events for the cookies the
// broker stamps (flask: csrf_access_token, set anew by every login and every refresh). A worker
// subscribes to them (ServiceWorkerRegistration.cookies; Chromium 156 and Firefox ESR 153 both
// deliver `cookiechange` to a service worker, measured here; WebKit has none) and hears when new
// credentials were issued outside its own refresh: that is when a login's generation starts,
// which the lifetime learner needs to measure the first expiry (lifetime-learner.ts).

import { isBearerMode, type TokenBrokerConfig } from './config.ts';

/** The part of ServiceWorkerRegistration.cookies (CookieStoreManager) used here; missing in some engines. */
export interface CookieChangeSubscriptions {
  subscribe(subscriptions: readonly { readonly name: string; readonly url: string }[]): Promise<void>;
  getSubscriptions?(): Promise<readonly { readonly name?: string }[]>;
}

/** The cookies whose values a stamp sets as headers: a change to any of them is new credentials. */
export function stampedCookieNames(config: TokenBrokerConfig): string[] {
  if (isBearerMode(config)) return []; // bearer mode sees its logins at the token endpoint
  return [...new Set(Object.values(config.headers).flatMap((value) => (typeof value === 'string' ? [] : [value.cookie])))];
}

/**
 * Asks the browser for `cookiechange` events of `names` (subscriptions outlive the worker, and a
 * second call with the same ones changes nothing). Never rejects: without them, a login's start is
 * unknown, and the lifetime is learned from the first refresh's generation instead.
 */
export async function subscribeToCookieChanges(
  subscriptions: CookieChangeSubscriptions | undefined, scopeUrl: string, names: readonly string[],
): Promise<boolean> {
  if (!subscriptions || names.length === 0) return false;
  try {
    await subscriptions.subscribe(names.map((name) => ({ name, url: scopeUrl })));
    return true;
  } catch {
    // An engine that refuses (no Cookie Store API for this scope): as if it had none.
    return false;
  }
}

/** Does this registration hear the changes of every one of `names` (subscribed by an earlier start)? Never rejects. */
export async function subscribedToAll(subscriptions: CookieChangeSubscriptions | undefined, names: readonly string[]): Promise<boolean> {
  if (!subscriptions?.getSubscriptions || names.length === 0) return false;
  try {
    const subscribed = new Set((await subscriptions.getSubscriptions()).map((subscription) => subscription.name));
    return names.every((name) => subscribed.has(name));
  } catch {
    return false;
  }
}

/** Did a `cookiechange` event set or delete one of `names`? */
export function touchesCookieOf(event: unknown, names: readonly string[]): boolean {
  return [...entriesOf(event, 'changed'), ...entriesOf(event, 'deleted')].some(({ name }) => typeof name === 'string' && names.includes(name));
}

/** Did a `cookiechange` event set a new value on one of `names`? A deletion (a logout) is no new credentials. */
export function setsCookieOf(event: unknown, names: readonly string[]): boolean {
  return entriesOf(event, 'changed').some(({ name, value }) => typeof name === 'string' && names.includes(name) && typeof value === 'string' && value !== '');
}

/** The cookies of one of a `cookiechange` event's lists, unchecked: none where the event has no such list. */
function entriesOf(event: unknown, list: 'changed' | 'deleted'): { readonly name?: unknown; readonly value?: unknown }[] {
  const entries = (event as Record<string, unknown> | null | undefined)?.[list];
  return Array.isArray(entries) ? entries.map((entry: unknown) => (entry ?? {}) as { name?: unknown; value?: unknown }) : [];
}
