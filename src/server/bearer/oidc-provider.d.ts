// The part of oidc-provider 9's API the demo uses (the package ships no types). Kept to what is
// called, so that a change of the library shows up here as a type error at its one use.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface OidcError extends Error {
    error: string;
    error_description?: string;
    error_detail?: string;
  }

  export interface KoaContextWithOidc {
    oidc: {
      params?: Record<string, unknown>;
      entities: {
        Grant?: { jti: string };
        AccessToken?: { grantId?: string; exp?: number };
        RefreshToken?: { grantId?: string };
      };
    };
  }

  export interface AccessTokenRecord {
    accountId: string;
    clientId: string;
    grantId: string;
    exp: number;
    iat: number;
    scope?: string;
  }

  export interface TokenModel<T> {
    find(value: string, options?: { ignoreExpiration?: boolean }): Promise<T | undefined>;
    readonly adapter: { revokeByGrantId(grantId: string): Promise<void>; destroy(id: string): Promise<void> };
  }

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> } };
    params: Record<string, unknown> & { client_id?: string };
    session?: { accountId?: string };
    grantId?: string;
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    proxy: boolean;
    readonly AccessToken: TokenModel<AccessTokenRecord>;
    readonly RefreshToken: TokenModel<unknown>;
    readonly AuthorizationCode: TokenModel<unknown>;
    readonly Grant: {
      new (properties: { accountId: string; clientId: string }): GrantInstance;
      find(id: string): Promise<GrantInstance | undefined>;
      readonly adapter: { destroy(id: string): Promise<void> };
    };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
    on(event: 'grant.success', listener: (ctx: KoaContextWithOidc) => void): this;
    on(event: 'grant.error', listener: (ctx: KoaContextWithOidc, error: OidcError) => void): this;
    on(event: 'grant.revoked', listener: (ctx: KoaContextWithOidc, grantId: string) => void): this;
    on(event: 'server_error', listener: (ctx: KoaContextWithOidc, error: Error) => void): this;
    on(event: string, listener: (...args: never[]) => void): this;
  }
  export default Provider;
}

declare module 'oidc-provider/lib/adapters/memory_adapter.js' {
  export function createMemoryAdapter(clockTolerance?: number): (model: string) => unknown;
}
