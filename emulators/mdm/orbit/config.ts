import type { MdmContext } from '../context.js';
import { MDM_PATHS } from '../../protocols/paths/mdm.js';
import type { Db } from '../../lab/store.js';
import { hostByOrbitNodeKey, markHostSeen, upsertOrbitInfo } from '../store/hosts.js';
import { fleetPlatform } from './platform.js';
import { pendingSoftwareInstallIds } from '../store/setup-experience.js';

/** Fleet's orbit Notifications: only the fields that are set are written (Go omitempty). */
export interface OrbitNotifications {
  /** PendingSoftwareInstallerIDs: install executions orbit is to run (setup experience software here). */
  pending_software_installer_ids?: string[];
  /** RunSetupExperience: for Windows, while the enrollment's awaiting_configuration is Pending or Active (orbit.go). */
  run_setup_experience?: boolean;
  needs_programmatic_windows_mdm_enrollment?: boolean;
  windows_mdm_discovery_endpoint?: string;
}

export interface OrbitConfig {
  script_execution_timeout: number;
  command_line_startup_flags: null;
  extensions: null;
  nudge_config: null;
  notifications: OrbitNotifications;
  update_channels: null;
}

/** The host_mdm row as osquery's MDM detail query reports it (fleet.HostMDM: Enrolled, IsServer); none if never reported. */
interface HostMdmInfo {
  enrolled: boolean;
  isServer: boolean;
}

function hostMdmInfo(db: Db, hostId: number): HostMdmInfo | undefined {
  const row = db.prepare(`SELECT enrolled, is_server FROM host_mdm WHERE host_id = ?`).get(hostId) as { enrolled: number; is_server: number | null } | undefined;
  return row && { enrolled: row.enrolled === 1, isServer: row.is_server === 1 };
}

/**
 * isEligibleForWindowsMDMEnrollment (server/service/microsoft_mdm.go): a windows FleetPlatform, osquery-enrolled
 * (Host.IsOsqueryEnrolled: a non-empty osquery_host_id), and host_mdm absent or neither a server nor enrolled. An
 * MDM enrollment row in mdm_windows_enrollments does not count (fleet.md corrections §9).
 */
export function isEligibleForWindowsMDMEnrollment(host: { platform: string; osqueryHostId: string | null }, mdm: HostMdmInfo | undefined): boolean {
  return fleetPlatform(host.platform) === 'windows' && host.osqueryHostId !== null && host.osqueryHostId !== '' && (mdm === undefined || (!mdm.isServer && !mdm.enrolled));
}

/**
 * POST /api/fleet/orbit/config (fleet.md §4.3): authenticated by orbit_node_key; moves the host's seen time. With
 * Windows MDM on (and not EnableTurnOnWindowsMDMManually, a setting the lab does not have: always automatic), an
 * eligible host is told to enroll programmatically, with the discovery endpoint (GetOrbitConfig, fleet.md corrections §9).
 * Lab stand-in: osquery's `orbit_info` detail query fills host_orbit_info in Fleet; the lab has no osquery, so the
 * orbit emulator may send `orbit_info: {version}` in this body (Fleet ignores unknown fields).
 */
export function orbitConfig(ctx: MdmContext, nodeKey: string, orbitInfoVersion: string | undefined): OrbitConfig | undefined {
  const now = ctx.nowIso();
  const host = ctx.store.read((db) => hostByOrbitNodeKey(db, nodeKey));
  if (!host) return undefined;
  const { eligible, pendingInstalls, runSetupExperience } = ctx.store.tx((db) => {
    markHostSeen(db, host.id, now);
    if (orbitInfoVersion !== undefined && orbitInfoVersion !== '') upsertOrbitInfo(db, host.id, orbitInfoVersion);
    const osquery = db.prepare(`SELECT osquery_host_id FROM hosts WHERE id = ?`).get(host.id) as { osquery_host_id: string | null };
    // GetMDMWindowsHostConfigState: the host's latest enrollment; awaiting Pending or Active → RunSetupExperience
    // (TestGetOrbitConfigWindowsSetupExperience, server/service/orbit_test.go).
    const awaiting = db
      .prepare(`SELECT awaiting_configuration FROM mdm_windows_enrollments WHERE host_uuid = ? ORDER BY created_at DESC, id DESC LIMIT 1`)
      .pluck()
      .get(host.uuid) as number | undefined;
    return {
      eligible: isEligibleForWindowsMDMEnrollment({ platform: host.platform, osqueryHostId: osquery.osquery_host_id }, hostMdmInfo(db, host.id)),
      pendingInstalls: pendingSoftwareInstallIds(db, host.id),
      runSetupExperience: ctx.fleet('windows-esp') && fleetPlatform(host.platform) === 'windows' && (awaiting === 1 || awaiting === 2),
    };
  });
  const notifications: OrbitNotifications = {};
  if (pendingInstalls.length > 0) notifications.pending_software_installer_ids = pendingInstalls;
  if (runSetupExperience) notifications.run_setup_experience = true;
  if (ctx.settings().windowsMdmEnabled && eligible) {
    notifications.needs_programmatic_windows_mdm_enrollment = true;
    notifications.windows_mdm_discovery_endpoint = ctx.url(MDM_PATHS.discovery);
  }
  return { script_execution_timeout: 300, command_line_startup_flags: null, extensions: null, nudge_config: null, notifications, update_channels: null };
}
