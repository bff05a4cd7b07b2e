import { CLIENT_IDS } from '../../protocols/oauth.js';
import type { Db } from '../../lab/store.js';
import type { EntraContext } from '../context.js';
import { AADSTS } from '../errors.js';

/**
 * The redirect URIs registered for the first-party public clients, as Entra holds them: authorize refuses any other
 * (AADSTS50011). Sources: ROADtools roadtx/firstpartyscopes.json (the registered lists) and libhimmelblau
 * `get_auth_redirect_uri` (which URI each client uses). WAM's `ms-appx-web://Microsoft.AAD.BrokerPlugin/<client>`
 * is registered per app where Windows' broker signs in for it.
 */
const BROKER = 'ms-appx-web://Microsoft.AAD.BrokerPlugin';
const NATIVE = 'https://login.microsoftonline.com/common/oauth2/nativeclient';

export const FIRST_PARTY_REDIRECT_URIS: Readonly<Record<string, readonly string[]>> = {
  // Microsoft Authentication Broker: msauth for the broker itself, ms-aadj-redir for the join/MDM flows (§11.1).
  [CLIENT_IDS.authBroker]: [
    'urn:ietf:wg:oauth:2.0:oob',
    `${BROKER}/DRSFF`,
    'ms-aadj-redir://auth/mdm',
    'ms-aadj-redir://auth/drs',
    'msauth://Microsoft.AAD.BrokerPlugin',
    `${BROKER}/DRS`,
    `${BROKER}/MDM`,
    BROKER,
    'https://login.microsoftonline.com/applebroker/msauth',
  ],
  // Azure Active Directory PowerShell: the client ROADtools' PRT cookie flow uses by default.
  [CLIENT_IDS.azureAdPowerShell]: ['urn:ietf:wg:oauth:2.0:oob', NATIVE],
  // Microsoft Intune Company Portal for Linux (himmelblau's caller_app_client_id).
  [CLIENT_IDS.companyPortalLinux]: ['companyportal://com.microsoft.companyportal-int', 'companyportal://com.microsoft.companyportal-dev', 'companyportal://com.microsoft.manage.CompanyPortal', 'companyportal://com.microsoft.CompanyPortal'],
  [CLIENT_IDS.companyPortal]: ['companyportal://com.microsoft.CompanyPortal', `${BROKER}/${CLIENT_IDS.companyPortal}`, 'urn:ietf:wg:oauth:2.0:oob'],
  [CLIENT_IDS.azurePortal]: ['https://portal.azure.com/signin/index/?feature.prefetchtokens=true&feature.showservicehealthalerts=true&feature.usemsallogin=true', 'https://portal.azure.com/signin/index/'],
  // Microsoft Device Registration Client (libhimmelblau `get_auth_redirect_uri`; firstpartyscopes.json).
  'dd762716-544d-4aeb-a526-687b73838a22': [`${BROKER}/dd762716-544d-4aeb-a526-687b73838a22`, 'ms-app://windows.immersivecontrolpanel/'],
};

/** Seed the table once, for clients the directory knows (another slice adds more first-party clients). */
export function seedRedirectUris(ctx: EntraContext): void {
  ctx.store.tx((db) => {
    const known = db.prepare(`SELECT 1 FROM applications WHERE app_id = ? COLLATE NOCASE`);
    const ins = db.prepare(`INSERT OR IGNORE INTO redirect_uris(app_id, uri) VALUES (?, ?)`);
    for (const [app, uris] of Object.entries(FIRST_PARTY_REDIRECT_URIS)) if (known.get(app)) for (const u of uris) ins.run(app, u);
  });
}

export function registeredRedirectUris(db: Db, appId: string): string[] {
  return db.prepare(`SELECT uri FROM redirect_uris WHERE app_id = ? COLLATE NOCASE ORDER BY rowid`).pluck().all(appId) as string[];
}

/**
 * Entra compares the redirect URI to the registered ones exactly, except that scheme and host are case-insensitive
 * (RFC 3986 §6.2.2.1); WAM writes `microsoft.aad.brokerplugin` in lower case (libhimmelblau's dd762716 entry).
 */
function normalise(uri: string): string {
  const m = /^([a-z][a-z0-9+.-]*:(?:\/\/)?)([^/?#]*)(.*)$/i.exec(uri);
  return m ? `${m[1]!.toLowerCase()}${m[2]!.toLowerCase()}${m[3]}` : uri;
}

/** AADSTS50011 for a redirect URI the client did not register; AADSTS900144 when it is missing. */
export function checkRedirectUri(ctx: EntraContext, appId: string, redirectUri: string | undefined): string {
  if (!redirectUri) throw AADSTS.missingParameter('redirect_uri');
  const uris = ctx.store.read((db) => registeredRedirectUris(db, appId));
  if (!uris.some((u) => normalise(u) === normalise(redirectUri))) throw AADSTS.redirectUriMismatch(redirectUri, appId);
  return redirectUri;
}
