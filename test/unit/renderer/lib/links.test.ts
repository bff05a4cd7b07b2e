// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { DbView } from '../../../../app/contract';
import { enrollmentLinks } from '../../../../renderer/lib/links';

const view = (mdm: Record<string, Record<string, unknown>[]>): DbView => ({ stepIndex: 3, parties: { mdm } });

describe('enrollment links (fleet.md §5)', () => {
  it('follows enrollment → host → idp account → SCIM user', () => {
    const [chain] = enrollmentLinks(
      view({
        mdm_windows_enrollments: [{ id: 1, mdm_device_id: 'D1', host_uuid: 'H-UUID' }],
        hosts: [{ id: 7, uuid: 'H-UUID', hostname: 'DESKTOP-1' }],
        host_mdm_idp_accounts: [{ host_uuid: 'H-UUID', account_uuid: 'A1' }],
        mdm_idp_accounts: [{ uuid: 'A1', email: 'alice@x' }],
        host_scim_user: [{ host_id: 7, scim_user_id: 3 }],
        scim_users: [{ id: 3, user_name: 'alice@x' }],
      }),
    );
    expect(chain!.host).toMatchObject({ hostname: 'DESKTOP-1' });
    expect(chain!.idpAccount).toMatchObject({ email: 'alice@x' });
    expect(chain!.scimUser).toMatchObject({ user_name: 'alice@x' });
  });

  it('leaves links missing until they exist (host_uuid not yet set)', () => {
    const [chain] = enrollmentLinks(view({ mdm_windows_enrollments: [{ id: 1, host_uuid: '' }], hosts: [{ id: 1, uuid: '' }] }));
    expect(chain).toMatchObject({ host: null, idpAccount: null, scimUser: null });
  });

  it('has no chain before any enrollment', () => {
    expect(enrollmentLinks(view({}))).toEqual([]);
  });
});
