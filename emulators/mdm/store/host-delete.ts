import type { Db } from '../../lab/store.js';
import { deleteHostOneTimeSecrets } from './one-time-secrets.js';

/**
 * Fleet's DeleteHost (server/datastore/mysql/hosts.go deleteHosts): the hosts row, then every table in `hostRefs`
 * by host_id, then the uuid-keyed tables. These are the tables of that list the lab has (host_seen_times,
 * host_emails, host_mdm, host_orbit_info, host_activities). Kept on purpose, as Fleet keeps them: the Windows MDM
 * enrollment ("mdm tables ... containing enrollment information, as we want to keep the enrollment relationship even
 * if the host is temporarily deleted") and host_mdm_idp_accounts, keyed by host_uuid and in neither list. Fleet's
 * hostRefs read has no host_scim_user: UNCONFIRMED whether newer Fleet clears it; the lab keeps it, as the list says.
 */
export const HOST_REFS_BY_ID = ['host_seen_times', 'host_emails', 'host_mdm', 'host_orbit_info', 'host_activities'] as const;

/** Deletes the host and its host_id rows in the caller's transaction; false when no host has that id. */
export function deleteHostRows(db: Db, hostId: number): boolean {
  const r = db.prepare(`DELETE FROM hosts WHERE id = ?`).run(hostId);
  if (r.changes === 0) return false;
  for (const table of HOST_REFS_BY_ID) db.prepare(`DELETE FROM ${table} WHERE host_id = ?`).run(hostId);
  // deleteHostOneTimeEnrollSecrets (host_one_time_enroll_secrets.go): the host's one-time secrets go with it.
  deleteHostOneTimeSecrets(db, hostId);
  return true;
}
