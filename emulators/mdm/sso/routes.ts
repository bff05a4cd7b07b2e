import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MdmContext } from '../context.js';
import { fleetError, sendFleetError, sendFleetJson } from '../fleet-error.js';
import type { Db } from '../../lab/store.js';
import {
  associateHostIdpAccount,
  associateHostIdpAccountFromSso,
  associateHostMDMIdPAccount,
  idpAccountByEmail,
  idpAccountByUuid,
  insertIdpAccount,
  reconcileIdpHostEmails,
  type IdpAccount,
} from '../store/idp.js';
import { insertBoundHostToIdpAccount, insertRefusedHostIdpAccountChange } from '../store/activities.js';
import { clearEndUserAuthPrompt, deleteSsoSession, hasPendingEndUserAuthPrompt, putSsoSession, ssoSession } from '../store/orbit.js';
import { idpLoginPage, ssoDonePage, ssoErrorPage, ssoStartPage } from './pages.js';
import { signInAtIdp } from './idp.js';
import { MDM_PATHS } from '../../protocols/paths/mdm.js';
import { sendHtml as html } from '../html.js';

export const INITIATOR_SETUP_EXPERIENCE = 'setup_experience';

/**
 * The callback's link for initiator setup_experience, per Fleet profile: AssociateHostMDMIdPAccount (#43295: the link
 * only; #45066: with host_emails once the host exists), and with sso-bind-activities bindHostToIdPAccountFromSSO:
 * an existing, different binding is replaced only while Fleet still waits on the device (its pending prompt), with
 * bound_host_to_idp_account, else kept with refused_host_idp_account_change; an unchanged one records nothing.
 */
function bindHostFromSso(db: Db, ctx: MdmContext, hostUuid: string, account: IdpAccount, now: string): void {
  const hostId = (db.prepare(`SELECT id FROM hosts WHERE uuid = ? ORDER BY id LIMIT 1`).get(hostUuid) as { id: number } | undefined)?.id;
  if (ctx.fleet('sso-bind-activities')) {
    const prompted = hasPendingEndUserAuthPrompt(db, hostUuid, now);
    const bound = associateHostIdpAccountFromSso(db, hostUuid, account.uuid, prompted, now);
    const previousEmail = bound.previous === '' ? '' : (idpAccountByUuid(db, bound.previous)?.email ?? '');
    if (bound.written) {
      reconcileIdpHostEmails(db, hostUuid, account, now);
      insertBoundHostToIdpAccount(db, { hostUuid, idpEmail: account.email, replacedIdpEmail: previousEmail, ...(hostId !== undefined && { hostId }), now });
    } else if (bound.previous !== account.uuid) {
      insertRefusedHostIdpAccountChange(db, { hostUuid, idpEmail: account.email, existingIdpEmail: previousEmail, ...(hostId !== undefined && { hostId }), now });
    }
    return;
  }
  if (ctx.fleet('eua-link-after-enroll')) associateHostMDMIdPAccount(db, hostUuid, account, now);
  else associateHostIdpAccount(db, hostUuid, account.uuid, now);
}
const SSO_SESSION_TTL_MS = 10 * 60_000;


/** A body as JSON or as a form, whichever the client sent (the page posts a form; Fleet's frontend posts JSON). */
function fields(req: FastifyRequest): Record<string, string> {
  const raw = req.rawBody ?? '';
  const ct = String(req.headers['content-type'] ?? '');
  if (ct.includes('application/json')) {
    try {
      const v: unknown = JSON.parse(raw);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
      }
    } catch {
      return {};
    }
    return {};
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

/**
 * The second prompt (fleet.md §4.3): `GET /mdm/sso` (the page orbit opens), `POST /api/latest/fleet/mdm/sso` (start,
 * initiator setup_experience + host_uuid in the body; refused unless orbit's END_USER_AUTH_REQUIRED recorded a
 * pending prompt for the host) and `POST /api/v1/fleet/mdm/sso/callback` (signs the user in at the IdP, then links
 * host_mdm_idp_accounts so that orbit's next enroll retry passes step 3 of §4.2).
 */
export function registerSso(app: FastifyInstance, ctx: MdmContext): void {
  app.get(MDM_PATHS.ssoPage, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    // The query string orbit puts on this URL is UNCONFIRMED (fleet.md §10); host_uuid (or uuid) and initiator.
    const hostUuid = q.host_uuid ?? q.uuid ?? '';
    return html(reply, 200, ssoStartPage({ hostUuid, initiator: q.initiator ?? INITIATOR_SETUP_EXPERIENCE, action: MDM_PATHS.ssoStart }));
  });

  app.post(MDM_PATHS.ssoStart, async (req, reply) => {
    const f = fields(req);
    const initiator = f.initiator ?? '';
    const hostUuid = f.host_uuid ?? '';
    if (initiator !== INITIATOR_SETUP_EXPERIENCE || hostUuid === '') {
      return sendFleetError(reply, 422, fleetError('Validation Failed', 'initiator setup_experience and host_uuid are required'));
    }
    const now = ctx.lab.clock.now();
    if (!ctx.store.read((db) => hasPendingEndUserAuthPrompt(db, hostUuid, new Date(now).toISOString()))) {
      return sendFleetError(reply, 403, fleetError('forbidden', 'no pending end user authentication for this host'));
    }
    const relayState = ctx.lab.ids.hex(16);
    ctx.store.tx((db) => putSsoSession(db, relayState, { initiator, hostUuid }, new Date(now + SSO_SESSION_TTL_MS).toISOString()));
    const url = `${ctx.url(MDM_PATHS.ssoIdpPage)}?RelayState=${relayState}`;
    if (String(req.headers['content-type'] ?? '').includes('application/json')) {
      return sendFleetJson(reply, { url });
    }
    return reply.code(303).header('location', url).send();
  });

  app.get(MDM_PATHS.ssoIdpPage, async (req, reply) => {
    const relayState = (req.query as Record<string, string | undefined>).RelayState ?? '';
    if (!ctx.store.read((db) => ssoSession(db, relayState, ctx.nowIso()))) return html(reply, 400, ssoErrorPage('This sign-in link has expired. Start again from the device.'));
    return html(reply, 200, idpLoginPage({ relayState, action: MDM_PATHS.ssoCallback }));
  });

  app.post(MDM_PATHS.ssoCallback, async (req, reply) => {
    const f = fields(req);
    const relayState = f.RelayState ?? '';
    const session = ctx.store.read((db) => ssoSession(db, relayState, ctx.nowIso()));
    if (!session) return html(reply, 400, ssoErrorPage('This sign-in link has expired. Start again from the device.'));
    const username = (f.username ?? '').trim();
    const password = f.password ?? '';
    if (username === '' || password === '') {
      return html(reply, 400, idpLoginPage({ relayState, action: MDM_PATHS.ssoCallback, error: 'Enter your email and password.', username }));
    }
    const signIn = await signInAtIdp(ctx, username, password);
    if (!signIn.ok) return html(reply, 401, idpLoginPage({ relayState, action: MDM_PATHS.ssoCallback, error: signIn.error, username }));
    const now = ctx.nowIso();
    ctx.store.tx((db) => {
      // The SSO callback saves the IdP account as Fleet does (InsertMDMIdPAccount: an upsert that refreshes names).
      const existing = idpAccountByEmail(db, signIn.upn);
      insertIdpAccount(db, { uuid: existing?.uuid ?? ctx.lab.ids.uuid(), username: signIn.upn, fullname: signIn.fullname, email: signIn.upn }, now);
      const account = idpAccountByEmail(db, signIn.upn)!;
      bindHostFromSso(db, ctx, session.hostUuid, account, now);
      clearEndUserAuthPrompt(db, session.hostUuid);
      deleteSsoSession(db, relayState);
    });
    return html(reply, 200, ssoDonePage(signIn.upn));
  });
}
