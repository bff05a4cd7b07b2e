import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EntraContext } from './context.js';
import { getTenant, resolveTenant, type ApplicationRow } from './directory.js';
import { AADSTS, OAuthError } from './errors.js';
import { entraPage, sendHtml, signOut } from './logout.js';
import { parseForm } from '../protocols/oauth.js';
import { ENTRA_PATHS } from '../protocols/paths/entra.js';
import { escapeHtml as esc } from '../protocols/html.js';

/**
 * The PassiveAuthEndpoint of DRS discovery: Entra's WS-Federation passive requestor endpoint (WS-Federation 1.2
 * §13.2). `wa=wsignout1.0` / `wsignoutcleanup1.0` sign the browser out (§13.2.4, as the OIDC logout does, honouring
 * `wreply`); `wa=wsignin1.0` needs a `wtrealm` that names an application of the tenant and a `wreply` registered
 * for it. The lab's tenant federates no WS-Fed relying party (no application has WS-Fed reply URLs), so a sign-in
 * ends on Entra's error page as it does for such a tenant: AADSTS700016 for an unknown realm, AADSTS50011 for a
 * reply URL the app does not have. Read only.
 */

const WA = { signIn: 'wsignin1.0', signOut: 'wsignout1.0', signOutCleanup: 'wsignoutcleanup1.0' } as const;

/** Entra's error page: the AADSTS line, then the troubleshooting details (request id, correlation id, timestamp). */
export function entraErrorPage(ctx: EntraContext, e: OAuthError): string {
  const at = ctx.iso().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return entraPage(
    'Sign in to your account',
    `<h1>Sorry, but we're having trouble signing you in.</h1>
<p class="err" role="alert">AADSTS${e.code}: ${esc(e.description)}</p>
<dl><dt>Request Id</dt><dd>${ctx.lab.ids.uuid()}</dd><dt>Correlation Id</dt><dd>${ctx.lab.ids.uuid()}</dd><dt>Timestamp</dt><dd>${at}</dd></dl>`,
  );
}

/** AADSTS codes of this endpoint; the numbers for a missing or unknown `wa` are UNCONFIRMED (90014, MissingRequiredField). */
const WSFED_ERRORS = {
  missingField: (name: string) => new OAuthError(400, 'invalid_request', 90014, `The required field '${name}' is missing from the credential. Ensure that you have all the necessary parameters for the login request.`),
  unsupportedAction: (wa: string) => new OAuthError(400, 'invalid_request', 90014, `The WS-Federation action '${wa}' is not supported: wa must be ${WA.signIn}, ${WA.signOut} or ${WA.signOutCleanup}.`),
  // AADSTS50011 InvalidReplyTo, its text as Entra writes it.
  replyUrlMismatch: (wreply: string, appId: string) =>
    new OAuthError(400, 'invalid_request', 50011, `The redirect URI '${wreply}' specified in the request does not match the redirect URIs configured for the application '${appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`),
} as const;

/** The application a `wtrealm` names: its app id or one of its identifier URIs (as a WS-Fed realm is configured). */
function appOfRealm(ctx: EntraContext, realm: string): ApplicationRow | undefined {
  const lower = realm.toLowerCase();
  const apps = ctx.store.read((db) => db.prepare(`SELECT * FROM applications ORDER BY rowid`).all() as ApplicationRow[]);
  return apps.find((a) => a.app_id.toLowerCase() === lower || (JSON.parse(a.identifier_uris) as string[]).some((u) => u.toLowerCase() === lower));
}

function wsFederation(ctx: EntraContext, req: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply): FastifyReply {
  const query = req.query as Record<string, string | undefined>;
  const p = req.method === 'POST' ? { ...query, ...parseForm(req.rawBody) } : query;
  resolveTenant(ctx, req.params.tenant);
  const wa = p.wa;
  if (!wa) throw WSFED_ERRORS.missingField('wa');
  if (wa === WA.signOut || wa === WA.signOutCleanup) return signOut(reply, p.wreply, undefined);
  if (wa !== WA.signIn) throw WSFED_ERRORS.unsupportedAction(wa);
  const realm = p.wtrealm;
  if (!realm) throw WSFED_ERRORS.missingField('wtrealm');
  const app = appOfRealm(ctx, realm);
  if (!app) throw AADSTS.unknownClient(realm, getTenant(ctx).id);
  throw WSFED_ERRORS.replyUrlMismatch(p.wreply ?? '', app.app_id);
}

export function registerWsFed(app: FastifyInstance, ctx: EntraContext): void {
  const handler = (req: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
    try {
      return wsFederation(ctx, req, reply);
    } catch (e) {
      if (e instanceof OAuthError) return sendHtml(reply, 400, entraErrorPage(ctx, e));
      throw e;
    }
  };
  app.get(ENTRA_PATHS.wsfed(':tenant'), handler);
  app.post(ENTRA_PATHS.wsfed(':tenant'), handler);
}
