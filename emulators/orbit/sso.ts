import type { Lab } from '../lab/lab.js';
import { MDM_PATHS } from '../protocols/paths/mdm.js';

/** The user at the browser window orbit opened: their IdP credentials. */
export interface SsoUser {
  upn: string;
  password: string;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * The user signs in on Fleet's /mdm/sso page in the browser orbit opened (fleet.md §4.3): the page, its form
 * POST to /api/latest/fleet/mdm/sso (initiator setup_experience + host_uuid), the IdP login page it redirects to,
 * and the credentials POSTed to the SSO callback. Every request is the user's (from 'user'). True when Fleet
 * answered the callback with 200 (it then linked host_mdm_idp_accounts).
 */
export async function signInOnSsoPage(lab: Lab, pageUrl: string, user: SsoUser): Promise<boolean> {
  const page = new URL(pageUrl);
  const hostUuid = page.searchParams.get('host_uuid') ?? '';
  await lab.send({ from: 'user', to: 'mdm', catalogId: 'sso.page', title: 'Browser: open /mdm/sso', request: { method: 'GET', url: pageUrl, headers: { accept: 'text/html' }, body: '' } });
  const start = await lab.send({
    from: 'user',
    to: 'mdm',
    catalogId: 'sso.start',
    title: 'Browser: start SSO (setup_experience)',
    request: { method: 'POST', url: `${page.origin}${MDM_PATHS.ssoStart}`, headers: FORM, body: new URLSearchParams({ initiator: 'setup_experience', host_uuid: hostUuid }).toString() },
  });
  const location = start.headers.location;
  if (start.status !== 303 || !location) return false;
  const idpUrl = new URL(location, page.origin);
  await lab.send({ from: 'user', to: 'mdm', catalogId: 'sso.idp-page', request: { method: 'GET', url: idpUrl.toString(), headers: { accept: 'text/html' }, body: '' } });
  const done = await lab.send({
    from: 'user',
    to: 'mdm',
    catalogId: 'sso.callback',
    request: {
      method: 'POST',
      url: `${page.origin}${MDM_PATHS.ssoCallback}`,
      headers: FORM,
      body: new URLSearchParams({ RelayState: idpUrl.searchParams.get('RelayState') ?? '', username: user.upn, password: user.password }).toString(),
    },
  });
  return done.status === 200;
}
