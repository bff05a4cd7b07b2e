import type { Lab, WatchedRows } from '../lab/lab.js';
import type { FleetClient } from '../lab/fleet-client.js';
import type { FleetActivity, FleetHost } from '../protocols/fleet-api.js';

/**
 * Where a run's expectations read the MDM party's rows: the embedded server's store, Fleet's host API (an external
 * Fleet), or, with --mdm-mysql, Fleet's MySQL. Each answers what it can see and says why not for
 * the rest, so an expectation no source of the run can check is reported as skipped, never as passed.
 */
export type RowAnswer =
  /** `matched` rows match the expectation's columns out of `total` the source saw; `via` says how it looked. */
  | { matched: number; total: number; via: string }
  | { skip: string };

export interface RowSource {
  /** Shown in an expectation's detail: "embedded MDM store", "Fleet API". */
  readonly name: string;
  /** Whether the steps of the run carry the MDM's row changes (the embedded store's change log; MySQL's snapshots). */
  readonly changes: boolean;
  /** The MDM's rows of `table` now that match every column of `where`. */
  mdmRows(table: string, where: Record<string, unknown>): RowAnswer;
}

/** Rows matching every given column, compared as the store holds them. */
export function matchRows(rows: readonly (Record<string, unknown> | null)[], where: Record<string, unknown>): number {
  return rows.filter((r) => !!r && Object.entries(where).every(([k, v]) => r[k] === v)).length;
}

/** The embedded MDM server's SQLite store, read through the lab (every table, every column). */
export function embeddedRowSource(lab: Lab): RowSource {
  return {
    name: 'embedded MDM store',
    changes: true,
    mdmRows(table, where) {
      const rows = lab.store('mdm')?.dump()[table] ?? [];
      return { matched: matchRows(rows, where), total: rows.length, via: `${rows.length} row(s) in ${table}` };
    },
  };
}

/** What Fleet's host API shows, fetched once after the run: List hosts with device_mapping, and the activity feed. */
export interface FleetApiView {
  hosts: FleetHost[];
  activities: FleetActivity[];
}

export async function loadFleetApiView(client: FleetClient): Promise<FleetApiView> {
  const [hosts, feed] = await Promise.all([client.hosts({ deviceMapping: true }), client.activities()]);
  return { hosts, activities: feed.activities };
}

type Projection = {
  /** The columns of the table this view of the API shows (an expectation on another column is skipped). */
  columns: readonly string[];
  /** The table's rows as the API shows them, keyed by the Fleet column names. */
  rows: (v: FleetApiView) => Record<string, unknown>[];
  /** How the API shows the table, for the detail line. */
  via: string;
};

const mappingOf = (h: FleetHost) => h.device_mapping ?? [];

/**
 * The Fleet tables the host API reflects, column by column (server/service/hosts.go listHostsEndpoint,
 * listHostDeviceMappingEndpoint; server/fleet/hosts.go Host, HostDeviceMapping; activities.go):
 * - hosts: the List hosts fields of the same names;
 * - host_emails: device_mapping ({email, source}) per host;
 * - host_orbit_info: orbit_version;
 * - activities: the feed's `type` (activity_type);
 * - host_mdm_idp_accounts / mdm_idp_accounts: a device_mapping entry of source `mdm_idp_accounts`, which Fleet writes
 *   with the link since #45066 (AssociateHostMDMIdPAccount reconciles host_emails, fleet.md corrections 1).
 * mdm_windows_enrollments is not among them: mdm.connected_to_fleet would show the link, but it also needs the
 * host_mdm row osquery reports, and the lab runs no osquery.
 */
const PROJECTIONS: Record<string, Projection> = {
  hosts: {
    columns: ['id', 'uuid', 'hostname', 'computer_name', 'platform', 'hardware_serial', 'team_id'],
    rows: (v) => v.hosts.map((h) => ({ id: h.id, uuid: h.uuid, hostname: h.hostname, computer_name: h.computer_name, platform: h.platform, hardware_serial: h.hardware_serial, team_id: h.team_id })),
    via: 'GET /api/v1/fleet/hosts',
  },
  host_emails: {
    columns: ['host_id', 'email', 'source'],
    rows: (v) => v.hosts.flatMap((h) => mappingOf(h).map((m) => ({ host_id: h.id, email: m.email, source: m.source }))),
    via: 'device_mapping of GET /api/v1/fleet/hosts?device_mapping=true',
  },
  host_orbit_info: {
    columns: ['host_id', 'version'],
    rows: (v) => v.hosts.filter((h) => h.orbit_version !== null).map((h) => ({ host_id: h.id, version: h.orbit_version })),
    via: 'orbit_version of GET /api/v1/fleet/hosts',
  },
  activities: {
    columns: ['activity_type'],
    rows: (v) => v.activities.map((a) => ({ activity_type: a.type })),
    via: 'GET /api/v1/fleet/activities',
  },
  host_mdm_idp_accounts: {
    columns: ['host_uuid'],
    rows: (v) => v.hosts.filter((h) => mappingOf(h).some((m) => m.source === 'mdm_idp_accounts')).map((h) => ({ host_uuid: h.uuid })),
    via: 'device_mapping entries of source mdm_idp_accounts',
  },
  mdm_idp_accounts: {
    columns: ['email'],
    rows: (v) => v.hosts.flatMap((h) => mappingOf(h).filter((m) => m.source === 'mdm_idp_accounts').map((m) => ({ email: m.email }))),
    via: 'device_mapping entries of source mdm_idp_accounts (the accounts linked to a host)',
  },
};

/** Fleet's host API as a RowSource: an expectation on a table or column the API does not show is skipped. */
export function fleetApiRowSource(view: FleetApiView): RowSource {
  return {
    name: 'Fleet API',
    changes: false,
    mdmRows(table, where) {
      const p = PROJECTIONS[table];
      if (!p) return { skip: `Fleet's API does not show mdm.${table} (needs the embedded MDM store or --mdm-mysql)` };
      const hidden = Object.keys(where).filter((c) => !p.columns.includes(c));
      if (hidden.length > 0) return { skip: `Fleet's API does not show mdm.${table}.${hidden.join(', .')} (needs the embedded MDM store or --mdm-mysql)` };
      const rows = p.rows(view);
      return { matched: matchRows(rows, where), total: rows.length, via: `${rows.length} row(s) via ${p.via}` };
    },
  };
}

/**
 * An external Fleet's MySQL (--mdm-mysql) as a RowSource: the watched tables' rows as the watcher last read them,
 * every column Fleet's schema has, and the steps carry their changes. A table the watcher does not watch, or a column
 * this Fleet's table lacks (an older or newer Fleet), is skipped with its reason.
 */
export function mysqlRowSource(watched: WatchedRows): RowSource {
  return {
    name: watched.name,
    changes: true,
    mdmRows(table, where) {
      const t = watched.table(table);
      if (!t) return { skip: `mdm.${table} is not among the tables ${watched.name} watches` };
      const missing = Object.keys(where).filter((c) => !t.columns.includes(c));
      if (missing.length > 0) return { skip: `this Fleet's ${table} has no column ${missing.join(', ')} (${watched.name})` };
      return { matched: matchRows(t.rows, where), total: t.rows.length, via: `${t.rows.length} row(s) in ${table} (${watched.name})` };
    },
  };
}
