import type { Scenario } from './types.js';
import { AUTOPILOT_OPTIONS, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { linkedByEuaToken } from './flows/expectations.js';

const USERNAME = 'alice.sso';
const FULLNAME = 'Alice Anderson (from an earlier SSO)';

/** processWindowsEUAToken never rewrites an existing mdm_idp_accounts row (fleet.md §4.2 a.4): names survive. */
export const idpAccountExists: Scenario<AutopilotOutcome> = {
  name: 'idp-account-exists',
  title: 'An existing IdP account keeps its names',
  description:
    'Fleet already has an mdm_idp_accounts row for the user (from an earlier SSO, with a username and full name). The EUA path must link that row and leave username and fullname as they were; InsertMDMIdPAccount would have overwritten them.',
  options: AUTOPILOT_OPTIONS.filter((o) => o.name !== 'eua'),
  // Fleet has no API that writes mdm_idp_accounts: the earlier SSO's row is written into the embedded store.
  mdm: { needs: 'embedded', why: 'it seeds an mdm_idp_accounts row in the MDM server\'s store' },
  run: (world, o) =>
    runAutopilot(
      world,
      optionsOf({ ...o, eua: true }, {
        before: (w, upn) =>
          w.lab.local({ party: 'mdm', catalogId: 'lab.idp-account-seed', title: `Lab setup: Fleet already knows ${upn} from an earlier SSO` }, () =>
            w.mdm.ctx.store.tx((db) =>
              db
                .prepare(`INSERT INTO mdm_idp_accounts(uuid, username, fullname, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`)
                .run(w.lab.ids.uuid(), USERNAME, FULLNAME, upn, w.mdm.ctx.nowIso(), w.mdm.ctx.nowIso()),
            ),
          ),
      }),
    ),
  expect: (out) => [
    ...linkedByEuaToken(out).filter((e) => !(e.kind === 'change' && e.table === 'mdm_idp_accounts')),
    { kind: 'row', party: 'mdm', table: 'mdm_idp_accounts', where: { email: out.upn, username: USERNAME, fullname: FULLNAME }, present: true, why: 'names survive' },
    {
      kind: 'check',
      name: 'the host is linked to the existing account, and no account row was updated',
      check: (w) => {
        const rows = w.mdm.ctx.store.read((db) =>
          db.prepare(`SELECT a.uuid FROM host_mdm_idp_accounts h JOIN mdm_idp_accounts a ON a.uuid = h.account_uuid WHERE h.host_uuid = ? AND a.username = ?`).all(out.hardwareUuid, USERNAME),
        );
        const updates = w.lab.recorder.all().flatMap((s) => s.changes).filter((c) => c.table === 'mdm_idp_accounts' && c.op !== 'insert');
        return { passed: rows.length === 1 && updates.length === 0, detail: `${rows.length} link(s) to the existing account, ${updates.length} update(s) of mdm_idp_accounts` };
      },
    },
  ],
};
