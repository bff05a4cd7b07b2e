import type { Db } from '../../lab/store.js';
import type { WindowsEnrollment } from './enrollments.js';
import { insertActivity } from './activities.js';
import { hostDisplayName } from './hosts.js';

export { hostDisplayName };
import { isValidUPN } from '../management/fleetd.js';

/**
 * Fleet's `mdm_enrolled` activity for a Windows enrollment (fleet.ActivityTypeMDMEnrolled, docs "Host audit logs").
 *
 * Before PR #52235 (profiles eua-first, eua-link-fix) storeWindowsMDMEnrolledDevice recorded it in the enroll request
 * itself: host_display_name the RST's DeviceName (or the host's display name when a programmatic enrollment names its
 * host, PR #24392), host_serial "" (an Entra enrollment has no host yet: "azure enrollments come with an empty uuid").
 * Since #50487 / #52235 (switch deferred-mdm-enrolled-activity) it carries host_id and the host's serial; when the
 * enrollment is not linked to a host yet it is deferred, and claimed once (MDMWindowsClaimEnrolledActivity, keyed by
 * mdm_hardware_id with a timestamp) when a link names the host: orbit enroll's link, the DevDetail link.
 */

/** Fleet's "resolved, nothing recorded" marker (common_mysql.GetDefaultNonZeroTime) for a host deleted before the claim. */
export const CLAIM_NOTHING_RECORDED = '2000-01-01T00:00:00.000Z';

const COLUMN = 'mdm_enrolled_activity_at';

interface HostForActivity {
  id: number;
  hostname: string;
  computer_name: string;
  hardware_model: string;
  hardware_serial: string;
}


/**
 * windowsMDMEnrollmentInstalledFromDEP (PR #52235; the docs: true "for Windows hosts enrolled through Microsoft Entra ID
 * during the out-of-box experience (OOBE), such as Windows Autopilot"): a UPN (Entra) enrollment not flagged NotInOobe.
 * The exact test Fleet makes (UPN vs ZTD registration id) is UNCONFIRMED.
 */
export function installedFromDep(e: Pick<WindowsEnrollment, 'enroll_user_id' | 'not_in_oobe'>): boolean {
  return isValidUPN(e.enroll_user_id) && !e.not_in_oobe;
}

/** Whether this world's schema has the claim column (the profile has deferred-mdm-enrolled-activity on). */
function hasClaimColumn(db: Db): boolean {
  return db.prepare(`SELECT 1 FROM pragma_table_info('mdm_windows_enrollments') WHERE name = ?`).get(COLUMN) !== undefined;
}

function hostRow(db: Db, where: 'id' | 'uuid', value: number | string): HostForActivity | undefined {
  return db.prepare(`SELECT id, hostname, computer_name, hardware_model, hardware_serial FROM hosts WHERE ${where} = ? ORDER BY id LIMIT 1`).get(value) as
    | HostForActivity
    | undefined;
}

/** createWindowsMDMEnrolledActivity (#52235): the details in the documented order, linked to the host's feed. */
function recordWithHost(db: Db, host: HostForActivity, fromDep: boolean, now: string): number {
  return insertActivity(db, {
    type: 'mdm_enrolled',
    details: {
      host_id: host.id,
      host_serial: host.hardware_serial === '' ? null : host.hardware_serial,
      host_display_name: hostDisplayName(host),
      installed_from_dep: fromDep,
      mdm_platform: 'microsoft',
      enrollment_id: null,
      platform: 'windows',
    },
    hostIds: [host.id],
    now,
  });
}

/**
 * The enroll request's part (storeWindowsMDMEnrolledDevice), in the enroll transaction after the enrollment row is
 * written. `deferred` is the profile's switch. Returns the activity id, or null when deferred.
 */
export function recordMdmEnrolledAtEnrollment(
  db: Db,
  e: Pick<WindowsEnrollment, 'mdm_hardware_id' | 'device_name' | 'host_uuid' | 'enroll_user_id' | 'not_in_oobe'>,
  deferred: boolean,
  now: string,
): number | null {
  const host = e.host_uuid === '' ? undefined : hostRow(db, 'uuid', e.host_uuid);
  if (!deferred) {
    // PR #24392 (pre-#52235): no host_id, the host's display name and serial when known, else DeviceName and "".
    return insertActivity(db, {
      type: 'mdm_enrolled',
      details: {
        host_serial: host?.hardware_serial ?? '',
        host_display_name: host ? hostDisplayName(host) : e.device_name,
        installed_from_dep: false,
        mdm_platform: 'microsoft',
        enrollment_id: null,
        platform: '',
      },
      now,
    });
  }
  if (!host) return null; // deferred: the claim column stays NULL until a link claims it
  db.prepare(`UPDATE mdm_windows_enrollments SET ${COLUMN} = ? WHERE mdm_hardware_id = ? AND ${COLUMN} IS NULL`).run(now, e.mdm_hardware_id);
  return recordWithHost(db, host, installedFromDep(e), now);
}

/**
 * maybeCreateWindowsMDMEnrolledActivity at link time (#52235): claim the deferred activity once (the UPDATE … IS NULL is
 * the claim) and record it for `host`; a host that no longer exists spends the claim with the zero-time marker. A world
 * without the switch has no claim column and nothing deferred. Returns the activity id, or null.
 */
export function claimDeferredMdmEnrolledActivity(
  db: Db,
  enrollment: Pick<WindowsEnrollment, 'mdm_hardware_id' | 'enroll_user_id' | 'not_in_oobe'> | undefined,
  host: { id: number },
  now: string,
): number | null {
  if (!enrollment || !hasClaimColumn(db)) return null;
  const row = hostRow(db, 'id', host.id);
  const claimed = db
    .prepare(`UPDATE mdm_windows_enrollments SET ${COLUMN} = ? WHERE mdm_hardware_id = ? AND ${COLUMN} IS NULL`)
    .run(row ? now : CLAIM_NOTHING_RECORDED, enrollment.mdm_hardware_id).changes;
  if (claimed === 0 || !row) return null;
  return recordWithHost(db, row, installedFromDep(enrollment), now);
}
