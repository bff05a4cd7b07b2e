import type { PartyIdT } from '../../app/contract';

/**
 * Which columns name a row, per party and table: the PRIMARY KEY of each party's schema (emulators/mdm/store/schema.ts
 * with Fleet's keys, emulators/entra/schema.ts, emulators/device/schema.ts, csp/schema.ts, tpm/schema.ts,
 * orbit/schema.ts). The change log (emulators/lab/changelog.ts) records whole rows as JSON, without SQLite's rowid,
 * so a row is followed across steps by these columns; test/unit/renderer/lib/row-identity.test.ts checks the table
 * against the schemas. The renderer may not import the parties (layering), hence this copy of the keys alone.
 */
export const ROW_KEYS: Readonly<Partial<Record<PartyIdT, Readonly<Record<string, readonly string[]>>>>> = {
  mdm: {
    teams: ['id'],
    enroll_secrets: ['secret'],
    hosts: ['id'],
    host_seen_times: ['host_id'],
    host_mdm: ['host_id'],
    host_orbit_info: ['host_id'],
    mdm_windows_enrollments: ['id'],
    mdm_idp_accounts: ['uuid'],
    host_mdm_idp_accounts: ['id'],
    host_emails: ['id'],
    scim_users: ['id'],
    scim_user_emails: ['id'],
    host_scim_user: ['host_id'],
    windows_mdm_commands: ['command_uuid'],
    windows_mdm_command_queue: ['enrollment_id', 'command_uuid'],
    windows_mdm_responses: ['id'],
    windows_mdm_command_results: ['enrollment_id', 'command_uuid'],
    wstep_serials: ['serial'],
    wstep_certificates: ['serial'],
    wstep_cert_auth_associations: ['id'],
    activities: ['id'],
    host_activities: ['host_id', 'activity_id'],
    host_one_time_enroll_secrets: ['id'],
    software_titles: ['id'],
    software_installers: ['id'],
    host_software_installs: ['id'],
    setup_experience_status_results: ['id'],
    lab_wstep_identity: ['id'],
    lab_settings: ['name'],
    lab_kv: ['key'],
    mdm_windows_enrollment_config: ['id'],
  },
  entra: {
    tenant: ['id'],
    users: ['object_id'],
    applications: ['app_id'],
    devices: ['device_id'],
    refresh_tokens: ['id'],
    session_keys: ['prt_id'],
    nonces: ['nonce'],
    device_codes: ['device_code'],
    mfa_requests: ['id'],
    redirect_uris: ['app_id', 'uri'],
    authorization_codes: ['code'],
    signing_keys: ['purpose'],
    kerberos_realms: ['realm'],
    kdc_keys: ['realm'],
    ngc_keys: ['kid'],
    login_flows: ['id'],
    directory_roles: ['object_id'],
  },
  device: {
    device_state: ['name'],
    certificates: ['store', 'thumbprint'],
    msi_jobs: ['product_id'],
    csp_nodes: ['path'],
    esp_tracking: ['provider'],
    admx_policies: ['area', 'policy'],
    registry_values: ['hive', 'key', 'name'],
  },
  tpm: { tpm_objects: ['handle'], swtpm_objects: ['handle'] },
  orbit: { orbit_state: ['name'], orbit_files: ['path'], orbit_keystore: ['name'] },
};

/** For a table the list does not know (an outside party's): the identity columns Fleet's tables use, in order. */
const FALLBACK_KEYS = ['id', 'uuid', 'host_uuid', 'host_id', 'name', 'key', 'path'];

/** The columns that name a row of `table` (empty: the whole row is its identity). */
export function keyColumns(party: PartyIdT, table: string, row: Readonly<Record<string, unknown>>): readonly string[] {
  const known = ROW_KEYS[party]?.[table];
  if (known) return known;
  const col = FALLBACK_KEYS.find((c) => c in row);
  return col ? [col] : [];
}

/** A row's identity as one string (party, table and key values), equal for every version of the row. */
export function rowKey(party: PartyIdT, table: string, row: Readonly<Record<string, unknown>>): string {
  const cols = keyColumns(party, table, row);
  const values = cols.length ? cols.map((c) => row[c]) : Object.keys(row).sort().map((c) => [c, row[c]]);
  return JSON.stringify([party, table, values]);
}

/** How a person reads the identity: `uuid = 4f…`, `enrollment_id = 1, command_uuid = …`. */
export function rowKeyLabel(party: PartyIdT, table: string, row: Readonly<Record<string, unknown>>): string {
  const cols = keyColumns(party, table, row);
  if (cols.length === 0) return 'the whole row';
  return cols.map((c) => `${c} = ${row[c] === null || row[c] === undefined ? '∅' : String(row[c])}`).join(', ');
}
