import type { World } from '../../emulators/scenarios/world.js';
import { readSettings } from '../../emulators/mdm/settings.js';
import { CLIENT_IDS } from '../../emulators/protocols/oauth.js';
import { fleetApiToken } from '../../emulators/mdm/api/token.js';
import { ADMIN_EMAIL, adminPassword } from '../../emulators/mdm/api/login.js';

/** The one JSON line `serve --json` prints: what an outside client needs to drive the lab's servers. */
export interface ServeInfo {
  mdm: string;
  entra: string | null;
  drs: string | null;
  tenantId: string | null;
  enrollSecret: string | null;
  /** `mfa`: the user must approve a push (on the lab phone, at labUrl) when signing in on the login pages. */
  users: { upn: string; password: string; mfa: boolean }[];
  /**
   * How an outside client gets an Entra token the MDM server accepts in its enroll BinarySecurityToken: Fleet takes
   * an `aud` that is one of `mdm.windows_entra_client_ids` or whose host:port is the server URL's
   * (hasAuthorizedAzureAudience, server/mdm/microsoft/wstep.go). Ask v2 for `scope`, or v1 for `resource`.
   */
  mdmToken: { acceptedAudiences: string[]; scope: string; resource: string; clientId: string } | null;
  db: Record<string, string>;
  /**
   * The lab API, the user's phone: `GET {labUrl}/api/entra/pending` lists the device codes and MFA pushes waiting for
   * the user, `POST {labUrl}/api/entra/mfa/:id` `{"approve":true}` and `POST {labUrl}/api/entra/device-codes/:userCode`
   * `{"upn":…}` answer them; every call with `Authorization: Bearer {labToken}`.
   */
  labUrl: string | null;
  labToken: string | null;
  /** true when every server speaks HTTPS on the lab CA's certificate (serve --tls). */
  tls: boolean;
  /** The lab CA certificate (PEM) a client must trust; null for plain HTTP. */
  caFile: string | null;
  /** The Fleet profile the MDM server behaves as (serve --fleet; list --fleet lists them). */
  fleet: string;
  /** The lab admin's Fleet API token: `Authorization: Bearer {fleetApiToken}` on the MDM server's /api/v1/fleet/… routes. */
  fleetApiToken: string;
  /** The lab admin's Fleet login: `POST {mdm}/api/v1/fleet/login` `{email, password}` answers `{user, token, available_teams}`; null for an external Fleet. */
  fleetAdmin: { email: string; password: string } | null;
  /** Entra's JWK Set: what an MDM server verifies the enrollment's Azure JWT against (Fleet's FLEET_DEV_AZURE_JWT_JWKS_URI). */
  jwksUrl: string | null;
  /** The tenant's MDM application id: the `aud` of v2 MDM tokens (Fleet's mdm.windows_entra_client_ids). */
  mdmAppId: string | null;
  /** true when `mdm` is an external Fleet (--mdm-url) the lab enrolls into, not the embedded server. */
  mdmExternal: boolean;
}

export function serveInfo(world: World, extra: { labUrl?: string; labToken?: string; caFile?: string | null } = {}): ServeInfo {
  const mdm = world.mdmTarget.embedded;
  const secret = mdm?.ctx.store.read(
    (db) => db.prepare(`SELECT secret FROM enroll_secrets WHERE team_id IS NULL ORDER BY created_at LIMIT 1`).pluck().get() as string | undefined,
  );
  // An external Fleet's settings are its own: the audiences are what the lab configured (its MDM app) and its URL.
  const settings = mdm ? readSettings(mdm.ctx.store) : { entraClientIds: [world.entra.mdmAppId], serverUrl: world.mdmTarget.url, fleetProfile: 'external' };
  const db: Record<string, string> = {};
  for (const s of world.lab.allStores()) db[s.party] = s.file;
  return {
    mdm: world.mdmTarget.url,
    entra: world.entra.url,
    drs: world.entra.drsUrl,
    tenantId: world.entra.tenantId,
    enrollSecret: secret ?? null,
    users: world.entra.users.map((u) => ({ upn: u.upn, password: u.password, mfa: u.mfa })),
    mdmToken: world.entra.url
      ? {
          acceptedAudiences: [...settings.entraClientIds, `${settings.serverUrl.replace(/\/$/, '')}/`],
          scope: `${settings.entraClientIds[0] ?? settings.serverUrl}/.default`,
          resource: `${settings.serverUrl.replace(/\/$/, '')}/`,
          // The Windows broker (AAD BrokerPlugin) is the client Windows asks MDM tokens with (entra-mde2.md §1.1).
          clientId: CLIENT_IDS.authBroker,
        }
      : null,
    db,
    labUrl: extra.labUrl ?? null,
    labToken: extra.labToken ?? null,
    tls: world.lab.tls !== null,
    fleet: settings.fleetProfile,
    caFile: extra.caFile ?? null,
    fleetApiToken: mdm ? fleetApiToken(mdm.ctx) : world.mdmTarget.token,
    fleetAdmin: mdm ? { email: ADMIN_EMAIL, password: adminPassword(mdm.ctx) } : null,
    jwksUrl: world.entra.jwksUrl,
    mdmAppId: world.entra.mdmAppId,
    mdmExternal: !mdm,
  };
}
