// Zero cost off the API. A service worker with a fetch listener is woken for every request of the
// pages it controls (navigations, scripts, styles, images, fonts, other origins), and each one waits
// for the worker to start and to decline it: measured here, a worker that does nothing adds about
// 40% to a small request. The Service Worker static routing API (InstallEvent.addRoutes, Chromium
// 123+) lets the browser decide without the worker: at install, the broker declares that only
// requests to its API prefixes and its refresh URL go to the fetch event, and everything else goes
// straight to the network. Firefox and WebKit have no addRoutes: there nothing changes.
//
// Rules are evaluated in order and the first match wins; a request no rule matches goes to the
// fetch event as usual. So the first rule is a superset of what the broker takes (any request to
// an API prefix or to the refresh URL, whatever its mode or destination: the worker still decides
// with request-matcher.ts), and the second sends the rest to the network. The routes are fixed per
// installed version, like the config they come from (the worker brokers with the config it read at
// install until a new version installs), so they never disagree with the config in use.
//
// Limits (Chromium's, as its web-platform tests state them): at most 1024 conditions in all, and
// conditions nested at most 10 deep; `or` and `not` may not share an object with other keys;
// URL patterns must be "safe" (no regular-expression groups), so every literal part is escaped.

import { bearerEndpoints } from './bearer-config.ts';
import { isBearerMode, type ApiPrefix, type TokenBrokerConfig } from './config.ts';

/** The part of URLPatternInit the routes use; components left out match anything. */
export interface RouterUrlPattern {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
}

export interface RouterCondition {
  readonly urlPattern?: RouterUrlPattern;
  readonly or?: readonly RouterCondition[];
}

export interface RouterRule {
  readonly condition: RouterCondition;
  readonly source: 'network' | 'fetch-event';
}

/** The install event as the static routing API extends it (not yet in TypeScript's worker types). */
export interface RoutableInstallEvent {
  addRoutes?: (rules: readonly RouterRule[]) => Promise<void>;
}

// Chromium refuses a list of rules with more conditions than this.
const MAX_CONDITIONS = 1024;

/**
 * The rules for a worker that is the broker and nothing else: what the broker may take goes to the
 * fetch event, everything else to the network. Undefined when the config names more prefixes than
 * the browser accepts (the worker then sees everything, as without static routing).
 */
export function brokerRouterRules(config: TokenBrokerConfig): RouterRule[] | undefined {
  // Besides the API: the cookie mode's refresh URL (the page's own call joins the one refresh);
  // bearer mode's token, login, revocation and end-session endpoints (captured, coalesced, cleared).
  const ownUrls = isBearerMode(config) ? bearerEndpoints(config.bearer).map(([, url]) => url) : [config.refresh.url];
  const brokered = [...config.api.map(prefixPattern), ...ownUrls.map((url) => exactPattern(new URL(url)))];
  // One `or`, its members, and the catch-all.
  if (brokered.length + 2 > MAX_CONDITIONS) return undefined;
  return [
    { condition: { or: brokered.map((urlPattern) => ({ urlPattern })) }, source: 'fetch-event' },
    { condition: { urlPattern: { protocol: '*', hostname: '*', port: '*', pathname: '*' } }, source: 'network' },
  ];
}

/**
 * Adds `brokerRouterRules(config)` to `event` where the browser has static routing; call it from
 * the install event, within its waitUntil. Never rejects: a browser without the API, or one that
 * refuses the rules, leaves the worker seeing every request, which costs time, not correctness.
 * Resolves true when the routes were added.
 */
export async function addBrokerRoutes(event: RoutableInstallEvent, config: TokenBrokerConfig): Promise<boolean> {
  if (typeof event.addRoutes !== 'function') return false;
  const rules = brokerRouterRules(config);
  if (!rules) {
    console.warn(`token-broker: more than ${MAX_CONDITIONS - 2} API prefixes; no static routes, the worker sees every request`);
    return false;
  }
  try {
    await event.addRoutes(rules);
    return true;
  } catch (error) {
    // Once per install: the rules are the same for every request of this version.
    console.warn(`token-broker: static routes refused (${error instanceof Error ? error.message : 'unknown error'}); the worker sees every request`);
    return false;
  }
}

function prefixPattern(prefix: ApiPrefix): RouterUrlPattern {
  return { ...originPattern(new URL(prefix.origin)), pathname: `${escapePattern(prefix.pathPrefix)}*` };
}

function exactPattern(url: URL): RouterUrlPattern {
  return { ...originPattern(url), pathname: escapePattern(url.pathname) };
}

function originPattern(url: URL): Omit<RouterUrlPattern, 'pathname'> {
  // An empty port is the scheme's default port, which is how URL spells it.
  return { protocol: escapePattern(url.protocol.replace(/:$/, '')), hostname: escapePattern(url.hostname), port: url.port };
}

/** A literal for URLPattern: its syntax characters escaped (an IPv6 host's colons among them). */
export function escapePattern(literal: string): string {
  return literal.replace(/[\\+*?:{}()]/g, '\\$&');
}
