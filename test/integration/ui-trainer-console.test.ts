import { describe, expect, it } from 'vitest';
import { uiHost } from '../helpers/ui-host.js';
import { SavedRunOpenError } from '../../app/host/session.js';

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

  it('rejects a SCIM user with a malformed email (400) and creates a valid one, answering once it exists', async () => {
    expect((await call('POST', '/api/mdm/scim-users', { userName: 'x', emails: ['not-an-email'] })).status).toBe(400);
    const r = await call('POST', '/api/mdm/scim-users', { userName: 'carol@example.com', emails: ['carol@example.com'] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, userName: 'carol@example.com', id: expect.any(Number) });
    // No wait: the reply comes after the work.
    const n = host.session.current.mdm.ctx.store.read((db) => db.prepare(`SELECT COUNT(*) FROM scim_users WHERE user_name = 'carol@example.com'`).pluck().get());
    expect(n).toBe(1);
  });

  it('answers a SCIM user that cannot be made with the server\'s own refusal (400), not a success', async () => {
    const r = await call('POST', '/api/mdm/scim-users', { userName: 'carol@example.com', emails: ['carol@example.com'] });
    expect(r.status).toBe(400);
    expect(r.body.error).toContain('already exists');
    const steps = host.session.steps();
    expect(steps.at(-1)).toMatchObject({ title: 'Lab: SCIM user carol@example.com is provisioned', status: 'error' });
  });
});

describe('the console with a saved run open', () => {
  const raw = '<Get><CmdID>7</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get>';
  const count = (table: string) => host.session.current.mdm.ctx.store.read((db) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get());

  it('refuses every call (409) and leaves the live world behind the saved run alone', async () => {
    const live = host.session.current;
    const before = { commands: count('windows_mdm_commands'), scim: count('scim_users'), steps: live.lab.recorder.all().length };
    expect((await call('POST', '/api/open', { bundle: host.session.bundle() })).body.source).toBe('bundle');

    const calls: [string, string, unknown?][] = [
      ['POST', '/api/mdm/commands', { raw }],
      ['POST', '/api/device/sync'],
      ['POST', '/api/mdm/scim-users', { userName: 'dave@example.com', emails: [] }],
      ['GET', '/api/mdm/settings'],
      ['PUT', '/api/mdm/settings', { euaTokenEnabled: false }],
      ['GET', '/api/entra/pending'],
      ['POST', '/api/entra/mfa/nope', { approve: true }],
      ['POST', '/api/entra/device-codes/ABCD-EFGH', { deny: true }],
    ];
    for (const [method, path, body] of calls) {
      const r = await call(method, path, body);
      expect({ path, status: r.status, error: r.body.error }).toEqual({ path, status: 409, error: expect.stringContaining('saved run is open') });
    }
    expect(host.session.current).toBe(live);
    expect({ commands: count('windows_mdm_commands'), scim: count('scim_users'), steps: live.lab.recorder.all().length }).toEqual(before);
    await expect(host.session.console.mdmSettings()).rejects.toThrow(SavedRunOpenError);
    expect(host.session.state().source).toBe('bundle');
  });

  it('works again once the live lab is back', async () => {
    await host.session.reset();
    const r = await call('POST', '/api/mdm/scim-users', { userName: 'dave@example.com', emails: ['dave@example.com'] });
    expect(r.status).toBe(200);
    expect(count('scim_users')).toBeGreaterThan(0);
  });
});
