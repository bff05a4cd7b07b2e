import { describe, expect, it } from 'vitest';
import { uiHost } from './ui-support.js';

const host = uiHost({ seed: 'trainer' });
const call = host.call;

describe("the trainer's console", () => {
  it('refuses to queue a command before a device has enrolled (409)', async () => {
    const r = await call('POST', '/api/mdm/commands', { raw: '<Get><CmdID>1</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get>' });
    expect(r.status).toBe(409);
    expect(r.body.error).toContain('no enrolled device');
  });

  it('queues a Get for the run\'s device, and the Results land in windows_mdm_command_results after a sync', async () => {
    await host.session.run('autopilot-eua', {}, false);
    await host.session.settled();
    const q = await call('POST', '/api/mdm/commands', { raw: '<Get><CmdID>1</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get>' });
    expect(q.body.error ?? null).toBeNull();
    expect(q.status).toBe(200);
    expect(q.body.targetLocUri).toBe('./DevDetail/SwV');
    const s = await call('POST', '/api/device/sync');
    expect(s.status).toBe(200);
    const rows = host.session.current.mdm.ctx.store.read((db) => db.prepare(`SELECT raw_result, status_code FROM windows_mdm_command_results WHERE command_uuid = ?`).all(q.body.commandUuid)) as { raw_result: string; status_code: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status_code).toBe('200');
    expect(rows[0]!.raw_result).toContain('./DevDetail/SwV');
  });

  it('refuses garbage that is not a SyncML command, and queues nothing', async () => {
    const before = host.session.current.mdm.ctx.store.read((db) => db.prepare(`SELECT COUNT(*) FROM windows_mdm_commands`).pluck().get());
    const r = await call('POST', '/api/mdm/commands', { raw: 'not xml <' });
    expect(r.status).toBe(400);
    expect(host.session.current.mdm.ctx.store.read((db) => db.prepare(`SELECT COUNT(*) FROM windows_mdm_commands`).pluck().get())).toBe(before);
  });

  it('flips the EUA feature off and on', async () => {
    expect((await call('PUT', '/api/mdm/settings', { euaTokenEnabled: false })).body.euaTokenEnabled).toBe(false);
    expect((await call('GET', '/api/mdm/settings')).body.euaTokenEnabled).toBe(false);
    expect((await call('PUT', '/api/mdm/settings', { euaTokenEnabled: true })).body.euaTokenEnabled).toBe(true);
  });

  it('rejects a SCIM user with a malformed email (400) and creates a valid one', async () => {
    expect((await call('POST', '/api/mdm/scim-users', { userName: 'x', emails: ['not-an-email'] })).status).toBe(400);
    expect((await call('POST', '/api/mdm/scim-users', { userName: 'carol@example.com', emails: ['carol@example.com'] })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const n = host.session.current.mdm.ctx.store.read((db) => db.prepare(`SELECT COUNT(*) FROM scim_users WHERE user_name = 'carol@example.com'`).pluck().get());
    expect(n).toBe(1);
  });
});
