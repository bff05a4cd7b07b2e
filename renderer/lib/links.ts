import type { DbView } from '../../app/contract';

/**
 * The chain Fleet builds while a Windows host enrolls (fleet.md §5): the MDM enrollment row names the host by
 * host_uuid; host_mdm_idp_accounts links that host to the IdP account the user signed in with; host_scim_user links
 * the host (by id) to the SCIM user. One entry per enrollment, each link null until it exists.
 */
export type Row = Record<string, unknown>;

export interface LinkChain {
  enrollment: Row;
  host: Row | null;
  idpAccount: Row | null;
  scimUser: Row | null;
}

const rowsOf = (view: DbView, table: string): Row[] => view.parties.mdm?.[table] ?? [];

export function enrollmentLinks(view: DbView): LinkChain[] {
  const hosts = rowsOf(view, 'hosts');
  const hostIdp = rowsOf(view, 'host_mdm_idp_accounts');
  const idp = rowsOf(view, 'mdm_idp_accounts');
  const hostScim = rowsOf(view, 'host_scim_user');
  const scim = rowsOf(view, 'scim_users');
  return rowsOf(view, 'mdm_windows_enrollments').map((enrollment) => {
    const uuid = enrollment.host_uuid;
    const host = uuid ? hosts.find((h) => h.uuid === uuid) ?? null : null;
    const link = uuid ? hostIdp.find((l) => l.host_uuid === uuid) : undefined;
    const idpAccount = link ? idp.find((a) => a.uuid === link.account_uuid) ?? null : null;
    const scimLink = host ? hostScim.find((l) => l.host_id === host.id) : undefined;
    const scimUser = scimLink ? scim.find((u) => u.id === scimLink.scim_user_id) ?? null : null;
    return { enrollment, host, idpAccount, scimUser };
  });
}
