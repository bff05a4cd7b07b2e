/**
 * Fleet's REST API shapes the lab's admin client and the embedded MDM server share (the subset the lab drives):
 * server/service/appconfig.go, sessions.go, mdm.go; SCIM 2.0 (RFC 7643 §4.1, RFC 7644 §3.12) as server/mdm/scim
 * answers; plus the lab's own switches under /lab/v1/mdm (no Fleet API).
 */

/**
 * Fleet's JSON error body (server/service/transport_error.go encodeError): a message and a list of
 * `{name, reason}` ("base" for errors not about one argument), plus a `uuid` on server errors.
 */
export interface FleetJsonError {
  message: string;
  errors: { name: string; reason: string }[];
  uuid?: string;
}

/** fleet.AppConfig's JSON, the keys the lab maps to its settings. */
export interface FleetAppConfig {
  server_settings: { server_url: string };
  mdm: {
    windows_enabled_and_configured: boolean;
    windows_entra_tenant_ids: string[];
    windows_entra_client_ids: string[];
    macos_setup: { enable_end_user_authentication: boolean };
    end_user_authentication: { metadata_url: string };
  };
}

/** A PATCH body: a subset of the config (ModifyAppConfig merges it into the stored config). */
export interface FleetAppConfigPatch {
  server_settings?: Partial<FleetAppConfig['server_settings']>;
  mdm?: Partial<Omit<FleetAppConfig['mdm'], 'macos_setup' | 'end_user_authentication'>> & {
    macos_setup?: Partial<FleetAppConfig['mdm']['macos_setup']>;
    end_user_authentication?: Partial<FleetAppConfig['mdm']['end_user_authentication']>;
  };
}

/** fleet.EnrollSecret JSON (server/fleet/hosts.go): team_id null for global secrets. */
export interface FleetEnrollSecret {
  secret: string;
  created_at: string;
  team_id: number | null;
}

export interface FleetEnrollSecretSpec {
  spec: { secrets: FleetEnrollSecret[] };
}

/** fleet.User JSON, the fields a login answer carries (server/fleet/users.go). */
export interface FleetUser {
  id: number;
  name: string;
  email: string;
  global_role: string | null;
  api_only: boolean;
  sso_enabled: boolean;
  mfa_enabled: boolean;
  force_password_reset: boolean;
  teams: unknown[];
  created_at: string;
  updated_at: string;
}

/** loginResponse (server/service/sessions.go). */
export interface FleetLogin {
  user: FleetUser;
  available_teams: unknown[];
  token: string;
}

/** fleet.CommandEnqueueResult (server/fleet/mdm.go). */
export interface FleetCommandEnqueued {
  command_uuid: string;
  request_type: string;
  platform: string;
}

export const SCIM_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCIM_LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A SCIM User resource (RFC 7643 §4.1) with the attributes Fleet keeps (scim_users, scim_user_emails). */
export interface ScimUserResource {
  schemas: string[];
  id: string;
  externalId?: string;
  userName: string;
  name?: { givenName?: string; familyName?: string };
  emails?: { value: string; primary?: boolean; type?: string }[];
  active?: boolean;
  meta?: { resourceType: 'User'; created: string; lastModified: string; location: string };
}

export interface ScimListResponse {
  schemas: string[];
  totalResults: number;
  itemsPerPage: number;
  startIndex: number;
  Resources: ScimUserResource[];
}

/** RFC 7644 §3.12 error: status as a string, scimType for 400/409. */
export interface ScimError {
  schemas: string[];
  status: string;
  scimType?: string;
  detail?: string;
}

/** Lab-only switches (no Fleet API): server config and the Fleet build's behaviour, /lab/v1/mdm/settings. */
export interface LabMdmSwitches {
  euaTokenEnabled: boolean;
  allowOrbitEndUserAuthBypass: boolean;
  mdmWindowsOneTimeEnrollSecrets: boolean;
  /**
   * FLEET_DEV_AZURE_JWT_JWKS_URI (fleet serve --dev's environment, fleet.md §1.4): the JWK Set the Azure JWT of an
   * enrollment is verified against; null is Fleet's default (login.microsoftonline.com).
   */
  azureJwksUri: string | null;
}

export const LAB_MDM_PREFIX = '/lab/v1/mdm/';
export const LAB_MDM_SETTINGS_PATH = '/lab/v1/mdm/settings';
export const LAB_MDM_EUA_TOKEN_PATH = '/lab/v1/mdm/eua_token';
export const LAB_MDM_COMMANDS_PATH = '/lab/v1/mdm/commands';
/** The server's lab clock (no Fleet API: a Fleet reads the wall clock): GET it, PUT `{now}` to set it to another lab's. */
export const LAB_MDM_CLOCK_PATH = '/lab/v1/mdm/clock';

/** GET/PUT /lab/v1/mdm/clock: the server's lab time (ms since the epoch), its offset from its base, and whether it is pinned. */
export interface LabMdmClock {
  now: number;
  offset_ms: number;
  pinned: boolean;
}

/** The lab's answer to a queued raw command (POST /lab/v1/mdm/commands). */
export interface LabQueuedCommand {
  command_uuid: string;
  target_loc_uri: string;
  device_id: string;
}

/** fleet.HostDeviceMapping (server/fleet/hosts.go): one email the host maps to, and where Fleet learned it. */
export interface FleetDeviceMappingEntry {
  email: string;
  /** e.g. `mdm_idp_accounts` (the IdP account the enrollment linked), `google_chrome_profiles`, `custom`. */
  source: string;
}

/** MDMHostData as List hosts and Get host marshal it (server/fleet/hosts.go), the fields the lab reads. */
export interface FleetHostMdm {
  enrollment_status: string | null;
  server_url: string | null;
  name: string;
  connected_to_fleet?: boolean;
}

/** One fleet.Host of GET /api/v1/fleet/hosts (listHostsEndpoint), the fields the lab reads; Fleet sends many more. */
export interface FleetHost {
  id: number;
  uuid: string;
  hostname: string;
  computer_name: string;
  platform: string;
  hardware_serial: string;
  orbit_version: string | null;
  team_id: number | null;
  /** Only with `?device_mapping=true`: the host's host_emails, or null when it has none (the #45066 symptom). */
  device_mapping?: FleetDeviceMappingEntry[] | null;
  mdm?: FleetHostMdm;
}

/** HostDetail of GET /api/v1/fleet/hosts/:id and /hosts/identifier/:identifier (getHostEndpoint), wrapped in {host}. */
export interface FleetHostDetail extends FleetHost {
  end_users?: { idp_username?: string; other_emails?: FleetDeviceMappingEntry[] }[];
}

/** GET /api/v1/fleet/hosts/:id/device_mapping (listHostDeviceMappingEndpoint): always an array. */
export interface FleetHostDeviceMapping {
  host_id: number;
  device_mapping: FleetDeviceMappingEntry[];
}

/** fleet.Activity (server/fleet/activities.go) as ListActivities marshals it. */
export interface FleetActivity {
  id: number;
  created_at: string;
  type: string;
  actor_full_name: string | null;
  actor_id: number | null;
  actor_email: string | null;
  fleet_initiated: boolean;
  details: Record<string, unknown> | null;
}

/** GET /api/v1/fleet/activities: newest first, with paging meta. */
export interface FleetActivities {
  activities: FleetActivity[];
  meta: { has_next_results: boolean; has_previous_results: boolean };
}
