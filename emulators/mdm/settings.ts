import type { Store } from '../lab/store.js';
import { DEFAULT_FLEET_PROFILE, type FleetProfileName } from './profiles/profiles.js';

/**
 * What Fleet reads from its app config and server config, as lab settings a user can flip in the UI
 * (reference/fleet.md §2.5, §4.2). Stored in the MDM DB (`lab_settings`) so that step back restores them.
 */
export interface MdmSettings {
  /** server_settings.server_url: the base of every URL the server hands out. */
  serverUrl: string;
  /** mdm.windows_enabled_and_configured: off → every Windows MDM route answers Fleet's 400 "MDM features aren't turned on". */
  windowsMdmEnabled: boolean;
  /** mdm.windows_entra_tenant_ids */
  entraTenantIds: string[];
  /** mdm.windows_entra_client_ids (v2 token audiences) */
  entraClientIds: string[];
  /** FLEET_DEV_AZURE_JWT_JWKS_URI: where Entra's signing keys are fetched. */
  azureJwksUri: string | null;
  /** Fleet after #41381 (true) or before it (false): whether the MSI command line carries EUA_TOKEN. */
  euaTokenEnabled: boolean;
  /** mdm.macos_setup.enable_end_user_authentication, global (teams have their own column). */
  endUserAuthEnabled: boolean;
  /** config.MDM.AllowOrbitEndUserAuthBypass: agents without the end_user_auth capability may enroll. */
  allowOrbitEndUserAuthBypass: boolean;
  /** The IdP Fleet's SSO signs users in against (the lab's Entra emulator base URL); null = none configured. */
  idpUrl: string | null;
  /** The IdP tenant the SSO callback uses in `{idpUrl}/{tenant}/oauth2/token`. */
  idpTenantId: string | null;
  /** Which Fleet the server behaves as (profiles/profiles.ts); fixed for a world, since the schema follows it. */
  fleetProfile: FleetProfileName;
  /**
   * auth.mdm_windows_one_time_enroll_secrets (server config, default off): the fleetd install carries a secret good
   * for one orbit enroll, bound to the Windows MDM enrollment (host_one_time_enroll_secrets). Only a Fleet with the
   * one-time-enroll-secrets switch has it.
   */
  mdmWindowsOneTimeEnrollSecrets: boolean;
}

export const DEFAULT_MDM_SETTINGS: MdmSettings = {
  serverUrl: '',
  windowsMdmEnabled: true,
  entraTenantIds: [],
  entraClientIds: [],
  azureJwksUri: null,
  euaTokenEnabled: true,
  endUserAuthEnabled: true,
  allowOrbitEndUserAuthBypass: false,
  idpUrl: null,
  idpTenantId: null,
  fleetProfile: DEFAULT_FLEET_PROFILE,
  mdmWindowsOneTimeEnrollSecrets: false,
};

export function readSettings(store: Store): MdmSettings {
  const rows = store.read((db) => db.prepare(`SELECT name, value FROM lab_settings`).all() as { name: string; value: string }[]);
  const out: Record<string, unknown> = { ...DEFAULT_MDM_SETTINGS };
  for (const r of rows) if (r.name in DEFAULT_MDM_SETTINGS) out[r.name] = JSON.parse(r.value);
  return out as unknown as MdmSettings;
}

export function writeSettings(store: Store, patch: Partial<MdmSettings>): MdmSettings {
  store.tx((db) => {
    const up = db.prepare(`INSERT INTO lab_settings(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value`);
    for (const [k, v] of Object.entries(patch)) if (k in DEFAULT_MDM_SETTINGS && v !== undefined) up.run(k, JSON.stringify(v));
  });
  return readSettings(store);
}
