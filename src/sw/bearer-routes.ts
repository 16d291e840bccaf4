// Bearer mode's own routes: what the page's library sends to the authorization server (or the
// hand-made backend), seen before the server sees it and answered before the page sees it.
// - A login (authorization_code grant; the JSON variant's login URLs): goes out as it came; a
//   token answer is captured into the vault as a new session (a new generation, every tab's
//   requests stamped with it from then on) and the page gets it with placeholders.
// - The page's own refresh (refresh_token grant; the JSON variant's refresh URL): never a second
//   refresh at the server. It joins the refresh in flight, or is answered from the latest tokens,
//   or starts the one refresh, through the coordinator like any 401 (refresh-coordinator.ts).
// - A revocation (RFC 7009; the JSON variant's logout): the placeholder in it is swapped for the
//   real token (the page asked for that token to be revoked), and revoking the refresh token ends
//   the session in the vault. An end-session request ends it too, and goes out unchanged.

import type { BearerConfig } from './bearer-config.ts';
import { untilAborted } from './abortable.ts';
import { BODY_READ_TIMEOUT_MS } from './bounded-body-read.ts';
import { refreshAtMs } from './bearer-credentials.ts';
import { isPlainObject } from './config-fields.ts';
import type { BearerModeConfig } from './config.ts';
import type { RefreshCoordinator } from './refresh-coordinator.ts';
import type { RouteKind } from './request-matcher.ts';
import { answerFromVault, hiddenAnswer, jsonAnswer, readTokenAnswer, secretFrom } from './token-answer.ts';
import { isPlaceholder, newPlaceholderSeed, parsePlaceholder } from './token-placeholders.ts';
import type { VaultSecret } from './vault-secret.ts';

/** A grant, a revocation or a logout body is a few hundred bytes; a larger one is not ours to read. */
const MAX_GRANT_BYTES = 64 * 1024;
/** What a login's grant carries that a refresh must not repeat: the code and its proof. */
const LOGIN_ONLY_PARAMS = new Set(['grant_type', 'code', 'code_verifier', 'redirect_uri', 'refresh_token']);

export type BearerRouteKind = Exclude<RouteKind, 'api' | 'page-refresh'>;

/** A request body as name/value pairs, and how it was encoded. */
interface ParsedBody {
  readonly params: [string, string][];
  readonly encoding: 'form' | 'json';
  readonly json?: Record<string, unknown>;
}

export interface BearerRoutesOptions {
  readonly config: BearerModeConfig;
  readonly coordinator: RefreshCoordinator;
  readonly fetch: typeof fetch;
  /** Wall clock, ms since the epoch. */
  readonly now?: () => number;
  /** Where the one line about an answer that was not captured goes. */
  readonly log?: Pick<Console, 'warn'>;
}

export class BearerRoutes {
  readonly #bearer: BearerConfig;
  readonly #refreshAheadMs: number;
  readonly #coordinator: RefreshCoordinator;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #log: Pick<Console, 'warn'>;

  constructor(options: BearerRoutesOptions) {
    this.#bearer = options.config.bearer;
    this.#refreshAheadMs = options.config.refreshAheadMs;
    this.#coordinator = options.coordinator;
    this.#fetch = options.fetch;
    this.#now = options.now ?? (() => Date.now());
    this.#log = options.log ?? console;
  }

  async handle(kind: BearerRouteKind, request: Request): Promise<Response> {
    await this.#coordinator.ready();
    if (kind === 'end-session') {
      await this.#endSession();
      return this.#fetch(request);
    }
    const body = await readRequestBody(request);
    // Not a body we can read (too large, not form or JSON): not a grant; it goes out as it came.
    if (!body) return this.#fetch(request);
    if (kind === 'revocation') return this.#revoke(request, body);
    if (kind === 'login') return this.#capture(request, []);
    if (this.#bearer.protocol === 'json') return this.#pageRefresh(request, body, valueOf(body, this.#bearer.fields.requestRefreshToken));
    switch (valueOf(body, 'grant_type')) {
      case 'authorization_code':
        return this.#capture(request, body.params.filter(([name]) => !LOGIN_ONLY_PARAMS.has(name)));
      case 'refresh_token':
        return this.#pageRefresh(request, body, valueOf(body, 'refresh_token'));
      default:
        return this.#fetch(request);
    }
  }

  /** Sends the page's grant as it came; a token answer becomes a new session, shown to the page with placeholders. */
  async #capture(request: Request, grantParams: [string, string][]): Promise<Response> {
    const response = await this.#fetch(request);
    const read = await readTokenAnswer(response, this.#bearer.fields);
    if (read.kind === 'malformed') this.#log.warn(`token-broker: a token answer from ${this.#bearer.tokenEndpoint === request.url ? 'the token endpoint' : 'a login URL'} was not captured: ${read.reason}; the page gets it unchanged`);
    if (read.kind !== 'tokens') return response;
    const secret = secretFrom(read.answer, {
      grantParams, credentials: request.credentials, placeholderSeed: newPlaceholderSeed(), nowMs: this.#now(),
    });
    let generation: number;
    try {
      generation = await this.#coordinator.recordSession(secret);
    } catch {
      // The lock was not to be had in time: the page keeps its real tokens, as without the broker.
      this.#log.warn('token-broker: a new session could not be recorded (the refresh lock did not come in time); the page gets its tokens unchanged');
      return response;
    }
    void response.body?.cancel().catch(() => undefined);
    return hiddenAnswer(response, read.answer, secret, generation, this.#bearer.fields, this.#bearer.exposeAccessToken);
  }

  /** The page's own refresh: joins the one refresh, or is answered from the vault; never a second grant. */
  async #pageRefresh(request: Request, body: ParsedBody, presented: string | undefined): Promise<Response> {
    const coordinator = this.#coordinator;
    const record = coordinator.record;
    const secret = record.secret;
    if (!secret) {
      // A refresh token the worker never saw (a login from before the broker took control): the
      // page's grant goes out as it came, and its answer starts the session in the vault.
      if (presented !== undefined && !isPlaceholder(presented)) {
        return this.#capture(request, body.params.filter(([name]) => !LOGIN_ONLY_PARAMS.has(name) && name !== this.#bearer.fields.requestRefreshToken));
      }
      return this.#sessionEnded();
    }
    const placeholder = presented === undefined ? undefined : parsePlaceholder(presented);
    const fromGeneration = placeholder?.seed === secret.placeholderSeed ? placeholder.generation : record.generation;
    if (fromGeneration >= coordinator.generation && (coordinator.refreshing || this.#due(secret))) {
      const expired = secret.expiresAtMs !== undefined && secret.expiresAtMs <= this.#now();
      await coordinator.refreshFrom(coordinator.generation, { evidence: expired ? 'positive' : 'presumed' });
    }
    const latest = coordinator.record;
    if (!latest.secret) return this.#sessionEnded();
    if (latest.secret.expiresAtMs !== undefined && latest.secret.expiresAtMs <= this.#now()) {
      return this.#bearer.protocol === 'oauth'
        ? jsonAnswer({ error: 'temporarily_unavailable', error_description: 'token-broker: the refresh failed; try again later' }, 503)
        : jsonAnswer({ msg: 'token-broker: the refresh failed; try again later' }, 503);
    }
    return answerFromVault(latest.secret, latest.generation, this.#bearer.fields, this.#bearer.exposeAccessToken, this.#now());
  }

  /** Is the access token due for a refresh? Unknown expiry: the page's asking is all there is to go by. */
  #due(secret: VaultSecret): boolean {
    const refreshAt = refreshAtMs(secret, this.#refreshAheadMs);
    return refreshAt === undefined || refreshAt <= this.#now();
  }

  async #revoke(request: Request, body: ParsedBody): Promise<Response> {
    const secret = this.#coordinator.record.secret;
    const field = this.#bearer.protocol === 'oauth' ? 'token' : this.#bearer.fields.requestRefreshToken;
    const presented = valueOf(body, field);
    const placeholder = presented === undefined ? undefined : parsePlaceholder(presented);
    const ours = secret !== undefined && placeholder?.seed === secret.placeholderSeed;
    const realToken = ours ? (placeholder.kind === 'access' ? secret.accessToken : secret.refreshToken) : undefined;
    const response = await this.#fetch(realToken === undefined ? request : withField(request, body, field, realToken));
    // Revoking the access token alone leaves the session (a refresh makes a new one); revoking the
    // refresh token, or the JSON variant's logout, ends it.
    const endsSession = this.#bearer.protocol === 'json' || placeholder?.kind === 'refresh' || (presented !== undefined && presented === secret?.refreshToken);
    if (endsSession) await this.#endSession();
    return response;
  }

  async #endSession(): Promise<void> {
    if (this.#coordinator.record.secret === undefined) return;
    await this.#coordinator.recordSession(undefined).catch(() => undefined);
  }

  /** The answer to a page's refresh when there is no session: what the server says of a dead refresh token. */
  #sessionEnded(): Response {
    return this.#bearer.protocol === 'oauth'
      ? jsonAnswer({ error: 'invalid_grant', error_description: 'token-broker: the session has ended' }, 400)
      : jsonAnswer({ msg: 'token-broker: the session has ended' }, 401);
  }
}

/** The body of a copy of `request`, as name/value pairs; undefined if it is not a small form or JSON object. */
async function readRequestBody(request: Request): Promise<ParsedBody | undefined> {
  let text: string;
  try {
    // As a Blob, as replayable-request.ts reads bodies: Firefox has no Request.body stream, and a
    // Blob's size is known before its bytes are read into the worker's memory.
    const blob = await untilAborted(AbortSignal.timeout(BODY_READ_TIMEOUT_MS), request.clone().blob());
    if (blob.size > MAX_GRANT_BYTES) return undefined;
    text = await blob.text();
  } catch {
    return undefined;
  }
  const contentType = request.headers.get('content-type') ?? '';
  if (contentType.includes('json')) {
    try {
      const json: unknown = JSON.parse(text);
      if (!isPlainObject(json)) return undefined;
      return { encoding: 'json', json, params: Object.entries(json).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : [])) };
    } catch {
      return undefined;
    }
  }
  return { encoding: 'form', params: [...new URLSearchParams(text)] };
}

function valueOf(body: ParsedBody, name: string): string | undefined {
  return body.params.find(([key]) => key === name)?.[1];
}

/** `request` with its body's `field` set to `value`, encoded as the page encoded it. */
function withField(request: Request, body: ParsedBody, field: string, value: string): Request {
  const text = body.encoding === 'json'
    ? JSON.stringify({ ...body.json, [field]: value })
    : new URLSearchParams(body.params.map(([name, old]): [string, string] => [name, name === field ? value : old])).toString();
  return new Request(request, { body: text });
}
