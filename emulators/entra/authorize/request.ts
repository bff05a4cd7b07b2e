import type { EntraContext } from '../context.js';
import { AADSTS } from '../errors.js';
import { requirePublicClient, resolveResource, type TenantRow } from '../directory.js';
import { resourceOfScope } from '../../protocols/oauth.js';
import type { TokenVersion } from '../tokens.js';
import { checkRedirectUri } from './redirect-uris.js';

/**
 * An authorization request (RFC 6749 §4.1.1, PKCE RFC 7636 §4.3) as the authorize endpoint validated it: what the
 * code, once issued, is bound to. The login pages carry it from page to page inside their flow token.
 */
export interface AuthorizeRequest {
  tenantId: string;
  /** The `{tenant}` segment as the client wrote it (`common`, `organizations`, the id or a domain). */
  tenantSegment: string;
  version: TokenVersion;
  clientId: string;
  redirectUri: string;
  /** v1 `resource`, or the resource of the v2 scope; null when none was named (v1 may name it at redemption). */
  resource: string | null;
  scope: string | null;
  state: string | null;
  nonce: string | null;
  responseMode: 'query' | 'fragment' | 'form_post';
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  /** `prompt=login` asks for credentials even when SSO would do (OIDC Core §3.1.2.1). */
  prompt: string | null;
  loginHint: string | null;
}

/**
 * The checks Entra makes before anything else. A bad client or redirect URI is an error page (it cannot be trusted
 * to receive the error, RFC 6749 §4.1.2.1); the rest throws `RedirectableError` to go back to the redirect URI.
 */
export function parseAuthorizeRequest(ctx: EntraContext, tenant: TenantRow, segment: string, version: TokenVersion, q: Record<string, string | undefined>): AuthorizeRequest {
  const client = requirePublicClient(ctx, q.client_id);
  const redirectUri = checkRedirectUri(ctx, client.app_id, q.redirect_uri);
  const back = (e: unknown): never => {
    throw new RedirectableError(e, { redirectUri, state: q.state ?? null, responseMode: responseModeOf(q.response_mode) });
  };
  try {
    const responseType = q.response_type;
    if (!responseType) throw AADSTS.missingParameter('response_type');
    // Hybrid `code id_token` is Entra's too; `code` is what every client of this lab asks.
    if (!responseType.split(/\s+/).includes('code')) throw AADSTS.unsupportedResponseType(responseType);
    let resource: string | null = null;
    if (version === '1.0') resource = q.resource ? resolveResource(ctx, q.resource).requested : null;
    else {
      if (!q.scope) throw AADSTS.missingParameter('scope');
      const named = resourceOfScope(q.scope);
      resource = named ? resolveResource(ctx, named).requested : null;
    }
    const method = q.code_challenge_method;
    if (q.code_challenge !== undefined && !/^[A-Za-z0-9._~-]{43,128}$/.test(q.code_challenge)) throw AADSTS.malformed('The code_challenge is not a valid PKCE challenge.');
    if (method !== undefined && method !== 'S256' && method !== 'plain') throw AADSTS.malformed(`The code_challenge_method '${method}' is not supported.`);
    return {
      tenantId: tenant.id,
      tenantSegment: segment,
      version,
      clientId: client.app_id,
      redirectUri,
      resource,
      scope: q.scope ?? null,
      state: q.state ?? null,
      nonce: q.nonce ?? null,
      responseMode: responseModeOf(q.response_mode),
      codeChallenge: q.code_challenge ?? null,
      // RFC 7636 §4.3: plain when a challenge comes without a method.
      codeChallengeMethod: q.code_challenge ? (method ?? 'plain') : null,
      prompt: q.prompt ?? null,
      loginHint: q.login_hint ?? null,
    };
  } catch (e) {
    return back(e);
  }
}

function responseModeOf(mode: string | undefined): AuthorizeRequest['responseMode'] {
  return mode === 'fragment' || mode === 'form_post' ? mode : 'query';
}

/** An error the authorize endpoint sends to the client's (validated) redirect URI, RFC 6749 §4.1.2.1. */
export class RedirectableError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly to: Pick<AuthorizeRequest, 'redirectUri' | 'state' | 'responseMode'>,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'RedirectableError';
  }
}
