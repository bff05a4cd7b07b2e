import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fleetClient, startWorld, type World } from '../../emulators/scenarios/world.js';
import { findScenario } from '../../emulators/scenarios/index.js';
import { FleetApiError, FleetClient } from '../../emulators/lab/fleet-client.js';
import { serveInfo } from '../../app/host/serve-info.js';
import { SCIM_ERROR_SCHEMA } from '../../emulators/protocols/fleet-api.js';

// One world for the file: an Autopilot run leaves an enrolled, linked Windows host to send commands to.
let world: World;
let host: { hardwareUuid: string; device: { syncManagement(): Promise<unknown> } };
let admin: FleetClient;

beforeAll(async () => {
  world = await startWorld({ dataDir: mkdtempSync(join(tmpdir(), 'es-fleet-api-')), seed: 'fleet-rest-api' });
  host = (await findScenario('autopilot-eua')!.run(world, {})) as typeof host;
  admin = fleetClient(world);
}, 60_000);
afterAll(() => world?.close());

const token = () => serveInfo(world).fleetApiToken;
const dbBytes = () => world.mdm.ctx.store.fileBytes();

/** A raw request, for the wire details the client hides (status, content type, bodies a client would not send). */
async function raw(method: string, path: string, body?: string, auth = true) {
  const headers: Record<string, string> = { ...(auth && { authorization: `Bearer ${token()}` }), ...(body !== undefined && { 'content-type': 'application/json' }) };
  const res = await fetch(`${world.mdm.url}${path}`, { method, headers, ...(body !== undefined && { body }) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), json: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

/** The request is refused with `status` and the MDM DB file is byte-identical afterwards. */
async function refusedUnchanged(method: string, path: string, body: string | undefined, status: number) {
  const before = dbBytes();
  const r = await raw(method, path, body);
  expect(r.status).toBe(status);
  expect(dbBytes().equals(before)).toBe(true);
  return r.json;
}

describe('Fleet REST API on the embedded MDM server', () => {
  it('logs the admin in with the email and password serve --json prints, answering the API token', async () => {
    const fleetAdmin = serveInfo(world).fleetAdmin!;
    const login = await new FleetClient({ url: world.mdm.url }).login(fleetAdmin.email, fleetAdmin.password);
    expect(login.token).toBe(token());
    expect(login.user).toMatchObject({ email: fleetAdmin.email, global_role: 'admin', api_only: false });
    expect(login.available_teams).toEqual([]);
  });

  it('refuses a wrong password with 401 Authentication failed', async () => {
    const r = await raw('POST', '/api/v1/fleet/login', JSON.stringify({ email: serveInfo(world).fleetAdmin!.email, password: 'wrong-password-1!' }), false);
    expect(r).toMatchObject({ status: 401, json: { message: 'Authentication failed' } });
  });

  it('answers every admin route without the token with the same 401 and writes nothing', async () => {
    const before = dbBytes();
    for (const [method, path] of [
      ['GET', '/api/v1/fleet/config'],
      ['PATCH', '/api/v1/fleet/config'],
      ['GET', '/api/v1/fleet/spec/enroll_secret'],
      ['POST', '/api/v1/fleet/spec/enroll_secret'],
      ['POST', '/api/v1/fleet/scim/Users'],
      ['GET', '/api/v1/fleet/scim/Users'],
      ['DELETE', '/api/v1/fleet/scim/Users/1'],
      ['POST', '/api/v1/fleet/commands/run'],
      ['DELETE', '/api/v1/fleet/hosts/1'],
      ['PATCH', '/lab/v1/mdm/settings'],
      ['POST', '/lab/v1/mdm/eua_token'],
    ] as const) {
      const r = await raw(method, path, method === 'GET' || method === 'DELETE' ? undefined : '{}', false);
      expect({ path, status: r.status, json: r.json }).toEqual({ path, status: 401, json: { message: 'Authentication required', errors: [{ name: 'base', reason: 'Authentication required' }] } });
    }
    expect(dbBytes().equals(before)).toBe(true);
  });

  it("GET /config answers Fleet's AppConfig keys for the world's settings", async () => {
    const c = await admin.config();
    expect(c.mdm.windows_enabled_and_configured).toBe(true);
    expect(c.mdm.windows_entra_tenant_ids).toEqual([world.entra.tenantId]);
    expect(c.mdm.macos_setup.enable_end_user_authentication).toBe(true);
    expect(c.server_settings.server_url).toBe(world.mdm.ctx.settings().serverUrl);
    expect(c.mdm.end_user_authentication.metadata_url).toBe(`${world.entra.url}/${world.entra.tenantId}/federationmetadata/2007-06/federationmetadata.xml`);
  });

  it('PATCH /config turns end-user authentication off and back on: the server acts on it', async () => {
    const off = await admin.updateConfig({ mdm: { macos_setup: { enable_end_user_authentication: false } } });
    expect(off.mdm.macos_setup.enable_end_user_authentication).toBe(false);
    expect((await admin.config()).mdm.macos_setup.enable_end_user_authentication).toBe(false);
    expect(world.mdm.ctx.settings().endUserAuthEnabled).toBe(false);
    await admin.updateConfig({ mdm: { macos_setup: { enable_end_user_authentication: true } } });
    expect(world.mdm.ctx.settings().endUserAuthEnabled).toBe(true);
  });

  it('PATCH /config with an unknown key is 400 "unsupported key provided" and changes nothing', async () => {
    const body = await refusedUnchanged('PATCH', '/api/v1/fleet/config', JSON.stringify({ mdm: { macos_setup: { enable_end_user_authentication: false }, no_such_key: 1 } }), 400);
    expect(body).toEqual({ message: 'Bad Request', errors: [{ name: 'base', reason: 'unsupported key provided: "no_such_key"' }] });
  });

  it('PATCH /config with a value of the wrong type is 400 "invalid value type" and changes nothing', async () => {
    const body = await refusedUnchanged('PATCH', '/api/v1/fleet/config', JSON.stringify({ mdm: { windows_enabled_and_configured: 'yes' } }), 400);
    expect(body).toEqual({ message: 'Bad Request', errors: [{ name: 'base', reason: "invalid value type at 'mdm.windows_enabled_and_configured': expected bool but got string" }] });
  });

  it('PATCH /config with an empty server_url is 422 Validation Failed and changes nothing', async () => {
    const body = await refusedUnchanged('PATCH', '/api/v1/fleet/config', JSON.stringify({ server_settings: { server_url: '' } }), 422);
    expect(body).toMatchObject({ message: 'Validation Failed', errors: [{ name: 'server_url' }] });
  });

  it('PATCH /config with a body that is not JSON is 400 "failed to decode app config" and changes nothing', async () => {
    expect(await refusedUnchanged('PATCH', '/api/v1/fleet/config', '{"mdm":', 400)).toEqual({ message: 'Bad request', errors: [{ name: 'base', reason: 'failed to decode app config' }] });
  });

  it('the enroll secret spec replaces the global secrets and reads them back in spec shape', async () => {
    const before = await admin.enrollSecrets();
    await admin.applyEnrollSecrets(['secret-a', 'secret-b']);
    const r = await raw('GET', '/api/v1/fleet/spec/enroll_secret');
    expect(r.json).toEqual({ spec: { secrets: [expect.objectContaining({ secret: 'secret-a', team_id: null }), expect.objectContaining({ secret: 'secret-b', team_id: null })] } });
    await admin.applyEnrollSecrets(before.map((s) => s.secret));
  });

  it('an empty enroll secret is refused ("enroll secret must not be empty") and changes nothing', async () => {
    const body = await refusedUnchanged('POST', '/api/v1/fleet/spec/enroll_secret', JSON.stringify({ spec: { secrets: [{ secret: 'ok' }, { secret: '' }] } }), 500);
    expect(body).toMatchObject({ message: 'enroll secret must not be empty' });
  });

  it('SCIM creates a user (201), finds it by a userName eq filter and deletes it (204)', async () => {
    const made = await admin.createScimUser({ userName: 'dora@example.com', emails: [{ value: 'dora@example.com', primary: true, type: 'work' }], givenName: 'Dora' });
    expect(made).toMatchObject({ userName: 'dora@example.com', name: { givenName: 'Dora' }, emails: [{ value: 'dora@example.com', primary: true, type: 'work' }], active: true, meta: { resourceType: 'User' } });
    expect((await admin.scimUsers('dora@example.com')).map((u) => u.id)).toEqual([made.id]);
    await admin.deleteScimUser(made.id);
    expect(await admin.scimUsers('dora@example.com')).toEqual([]);
  });

  it('SCIM answers a taken userName with its 409 uniqueness Error and writes nothing', async () => {
    const [existing] = await admin.scimUsers();
    const before = dbBytes();
    const e = await admin.createScimUser({ userName: existing!.userName, emails: [] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FleetApiError);
    expect((e as FleetApiError).status).toBe(409);
    expect((e as FleetApiError).body).toMatchObject({ schemas: [SCIM_ERROR_SCHEMA], status: '409', scimType: 'uniqueness' });
    expect(dbBytes().equals(before)).toBe(true);
  });

  it('SCIM refuses a user without userName (400 invalidValue) and an unknown id on delete (404), writing nothing', async () => {
    expect(await refusedUnchanged('POST', '/api/v1/fleet/scim/Users', JSON.stringify({ emails: [] }), 400)).toMatchObject({ schemas: [SCIM_ERROR_SCHEMA], scimType: 'invalidValue' });
    expect(await refusedUnchanged('DELETE', '/api/v1/fleet/scim/Users/99999', undefined, 404)).toEqual({ schemas: [SCIM_ERROR_SCHEMA], status: '404', detail: 'Resource 99999 not found.' });
  });

  it('commands/run queues a raw <Exec> for the host and the device gets it in its next session', async () => {
    const exec = '<Exec><CmdID>11111111-2222-4333-8444-555555555555</CmdID><Item><Target><LocURI>./Device/Vendor/MSFT/Reboot/RebootNow</LocURI></Target></Item></Exec>';
    const r = await admin.runCommand(exec, [host.hardwareUuid]);
    expect(r).toEqual({ command_uuid: '11111111-2222-4333-8444-555555555555', request_type: './Device/Vendor/MSFT/Reboot/RebootNow', platform: 'windows' });
    await host.device.syncManagement();
    const result = world.mdm.ctx.store.read((db) => db.prepare(`SELECT status_code FROM windows_mdm_command_results WHERE command_uuid = ?`).get(r.command_uuid));
    expect(result).toBeDefined();
  });

  it('commands/run refuses a <Get> with Fleet\'s "You can run only <Exec> command type." (422) and queues nothing', async () => {
    const get = Buffer.from('<Get><CmdID>g1</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get>').toString('base64');
    const body = await refusedUnchanged('POST', '/api/v1/fleet/commands/run', JSON.stringify({ command: get, host_uuids: [host.hardwareUuid] }), 422);
    expect(body).toEqual({ message: 'Validation Failed', errors: [{ name: 'command', reason: 'You can run only <Exec> command type.' }] });
  });

  it('commands/run for an unknown host is 404 "No hosts targeted" and queues nothing', async () => {
    const body = await refusedUnchanged('POST', '/api/v1/fleet/commands/run', JSON.stringify({ command: 'PEV4ZWMvPg==', host_uuids: ['00000000-0000-0000-0000-000000000000'] }), 404);
    expect(body).toEqual({ message: 'Validation Failed', errors: [{ name: 'host_uuids', reason: 'No hosts targeted. Make sure you provide a valid UUID.' }] });
  });

  it('commands/run with a command that is not base64 is 400 "unable to decode base64 command"', async () => {
    const body = await refusedUnchanged('POST', '/api/v1/fleet/commands/run', JSON.stringify({ command: '%%%', host_uuids: [host.hardwareUuid] }), 400);
    expect(body).toEqual({ message: 'Validation Failed', errors: [{ name: 'command', reason: 'unable to decode base64 command' }] });
  });

  it('the lab-only switches API flips a server-config switch and refuses an unknown one, changing nothing', async () => {
    expect((await admin.setLabSwitches({ allowOrbitEndUserAuthBypass: true })).allowOrbitEndUserAuthBypass).toBe(true);
    expect(world.mdm.ctx.settings().allowOrbitEndUserAuthBypass).toBe(true);
    await admin.setLabSwitches({ allowOrbitEndUserAuthBypass: false });
    expect(await refusedUnchanged('PATCH', '/lab/v1/mdm/settings', JSON.stringify({ fleetProfile: 'eua-first' }), 400)).toMatchObject({ errors: [{ reason: 'unsupported key provided: "fleetProfile"' }] });
  });

  it('admin calls outside a step are not recorded as timeline steps', async () => {
    const steps = world.lab.recorder.all().length;
    await admin.config();
    await admin.setLabSwitches({ euaTokenEnabled: true });
    expect(world.lab.recorder.all().length).toBe(steps);
  });
});
