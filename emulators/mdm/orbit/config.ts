import type { MdmContext } from '../context.js';
import { MDM_PATHS } from '../../protocols/paths/mdm.js';
import { hostByOrbitNodeKey, hostMdmEnrolled, markHostSeen, upsertOrbitInfo } from '../store/hosts.js';

/** Fleet's orbit Notifications: only the fields that are set are written (Go omitempty). */
export interface OrbitNotifications {
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

/**
 * POST /api/fleet/orbit/config (fleet.md §4.3): authenticated by orbit_node_key; moves the host's seen time. An
 * eligible Windows host that is not MDM-enrolled is told to enroll programmatically, with the discovery endpoint.
 * Lab stand-in: osquery's `orbit_info` detail query fills host_orbit_info in Fleet; the lab has no osquery, so the
 * orbit emulator may send `orbit_info: {version}` in this body (Fleet ignores unknown fields).
 */
export function orbitConfig(ctx: MdmContext, nodeKey: string, orbitInfoVersion: string | undefined): OrbitConfig | undefined {
  const now = ctx.nowIso();
  const host = ctx.store.read((db) => hostByOrbitNodeKey(db, nodeKey));
  if (!host) return undefined;
  const mdmEnrolled = ctx.store.tx((db) => {
    markHostSeen(db, host.id, now);
    if (orbitInfoVersion !== undefined && orbitInfoVersion !== '') upsertOrbitInfo(db, host.id, orbitInfoVersion);
    const linked = db.prepare(`SELECT 1 FROM mdm_windows_enrollments WHERE host_uuid = ? AND host_uuid <> ''`).get(host.uuid) !== undefined;
    return linked || hostMdmEnrolled(db, host.id);
  });
  const notifications: OrbitNotifications = {};
  if (host.platform === 'windows' && ctx.settings().windowsMdmEnabled && !mdmEnrolled) {
    notifications.needs_programmatic_windows_mdm_enrollment = true;
    notifications.windows_mdm_discovery_endpoint = ctx.url(MDM_PATHS.discovery);
  }
  return { script_execution_timeout: 300, command_line_startup_flags: null, extensions: null, nudge_config: null, notifications, update_channels: null };
}
