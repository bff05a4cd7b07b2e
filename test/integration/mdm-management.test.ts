import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import { jwtVerify, decodeJwt } from 'jose';
import { mdmLab, TestDmClient, package1, statusOf } from '../helpers/dm-client.js';
import { seedEnrollment } from '../helpers/mdm-context.js';
import { loadIdentity } from '../../emulators/mdm/wstep/identity.js';
import { queueCommand, updateSettings } from '../../emulators/mdm/admin.js';
import { dataText, statusFor, resultsFor, type ParsedSyncMLCommand } from '../../emulators/protocols/syncml.js';
import type { Lab } from '../../emulators/lab/lab.js';
import type { MdmServer } from '../../emulators/mdm/server.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';

const DEVICE = '7F3A9C2B1D4E4F60A1B2C3D4E5F60718';
const UPN = 'alice@enrollscope.onmicrosoft.com';
const PASSWORD = 'c0ffee00-0000-4000-8000-000000000001';
const FLEETD_LOC = './Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7BA427C0AA-E2D5-40DF-ACE8-0D726A6BE096%7D/DownloadInstall';

let lab: Lab;
let server: MdmServer;
let dispose: () => Promise<void>;
beforeEach(async () => ({ lab, server, dispose } = await mdmLab()));
afterEach(async () => dispose());

function msiJob(exec: ParsedSyncMLCommand) {
  const doc = new DOMParser().parseFromString(dataText(exec.items[0]!.data)!, 'text/xml');
  const t = (name: string) => doc.getElementsByTagName(name)[0]?.textContent ?? '';
  return { contentUrl: t('ContentURL'), fileHash: t('FileHash'), commandLine: t('CommandLine') };
}

async function trustedSession(client: TestDmClient) {
  const first = await client.send(package1(DEVICE));
  expect(statusOf(first.msg, '0')).toBe('407');
  return client.send(package1(DEVICE));
}

describe('OMA-DM management session over HTTP (fleet.md §2.10, §3)', () => {
  it('challenges a first message without Cred with 407 and a NextNonce', async () => {
    seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: PASSWORD });
    const client = new TestDmClient(lab, server.url, DEVICE, PASSWORD);
    const r = await client.send(package1(DEVICE));
    expect(r.status).toBe(200);
    const hdrStatus = r.msg.commands.find((c) => c.verb === 'Status' && c.cmdRef === '0')!;
    expect(hdrStatus).toMatchObject({ cmd: 'SyncHdr', msgRef: '1', data: '407', chal: { type: 'syncml:auth-md5', format: 'b64' } });
    expect(r.msg.commands).toHaveLength(1);
    expect(client.nonce).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.msg.hdr).toMatchObject({ sessionId: '1', msgId: '1', target: DEVICE, source: `${server.url}${MDM_PATHS.management}` });
  });

  it('answers the correct digest with 200 and the Add + Exec MsiInstallJob whose EUA_TOKEN verifies with the identity cert', async () => {
    seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: PASSWORD });
    const client = new TestDmClient(lab, server.url, DEVICE, PASSWORD);
    const r = await trustedSession(client);
    expect(statusOf(r.msg, '0')).toBe('200');
    expect(statusOf(r.msg, '3')).toBe('200');
    expect(r.msg.commands.filter((c) => c.verb === 'Status' && (c.cmdRef === '1' || c.cmdRef === '2'))).toHaveLength(0);
    const add = r.msg.commands.find((c) => c.verb === 'Add')!;
    const exec = r.msg.commands.find((c) => c.verb === 'Exec')!;
    expect(add.items[0]!.target).toBe(FLEETD_LOC);
    expect(r.msg.commands.indexOf(add)).toBeLessThan(r.msg.commands.indexOf(exec));
    expect(exec.items[0]!.target).toBe(FLEETD_LOC);
    expect(exec.items[0]!.meta).toEqual({ type: 'text/plain', format: 'xml' });

    const job = msiJob(exec);
    const secret = server.ctx.store.read((db) => (db.prepare(`SELECT secret FROM enroll_secrets WHERE team_id IS NULL`).get() as { secret: string }).secret);
    expect(job.commandLine).toMatch(new RegExp(`^/quiet FLEET_URL="${server.url}" FLEET_SECRET="${secret.replace(/[+/]/g, '\\$&')}" ENABLE_SCRIPTS="True" EUA_TOKEN="[^"]+"$`));
    const token = /EUA_TOKEN="([^"]+)"/.exec(job.commandLine)![1]!;
    const certKey = await loadIdentity(server.ctx).cert.publicKey.export();
    const { payload } = await jwtVerify(token, certKey, { currentDate: lab.clock.date() });
    expect(payload).toMatchObject({ upn: UPN, device_id: DEVICE, sub: 'EUAToken' });

    // The MSI the command points at is served by the MDM server, and its SHA-256 is the FileHash.
    const msi = await lab.send({ from: 'device', to: 'mdm', request: { method: 'GET', url: job.contentUrl, headers: {}, body: '' } });
    expect(msi.status).toBe(200);
    expect(createHash('sha256').update(msi.raw).digest('hex')).toBe(job.fileHash);
    expect(server.ctx.store.read((db) => db.prepare(`SELECT command_uuid, target_loc_uri FROM windows_mdm_commands`).all())).toEqual([
      { command_uuid: exec.cmdId, target_loc_uri: FLEETD_LOC },
    ]);
  });

  // Fleet getPendingMDMCmds (server/service/microsoft_mdm.go): decoded and re-marshalled on the way out (#53280).
  it('sends queued commands in Fleet\'s re-marshalled form, not the stored text', async () => {
    seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: PASSWORD });
    const stored = '<Get>\n  <CmdID>get-swv</CmdID>\n  <Item>\n    <Meta><Format xmlns="syncml:metinf">chr</Format><Type xmlns="syncml:metinf">text/plain</Type></Meta>\n    <Target><LocURI>./DevDetail/SwV</LocURI></Target>\n  </Item>\n</Get>';
    queueCommand(server.ctx, DEVICE, stored);
    const r = await trustedSession(new TestDmClient(lab, server.url, DEVICE, PASSWORD));
    expect(r.text).toContain('<Get><CmdID>get-swv</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target><Meta><Type xmlns="syncml:metinf">text/plain</Type><Format xmlns="syncml:metinf">chr</Format></Meta></Item></Get>');
    expect(r.text).not.toContain(stored);
    // The stored install (Add + Exec in one row, with Fleet's newlines and tabs) goes out as two compact commands.
    expect(r.text).toContain(`<Add><CmdID>fleet-internal-fleetd-install-add</CmdID><Item><Target><LocURI>${FLEETD_LOC}</LocURI></Target></Item></Add><Exec><CmdID>`);
  });

  it('#53280: an enroll secret with & and < makes the install undecodable: logged, never sent, still queued; the other commands go out', async () => {
    seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: PASSWORD });
    server.ctx.store.tx((db) => db.prepare(`UPDATE enroll_secrets SET secret = ? WHERE team_id IS NULL`).run('s3cr&t<x'));
    const queued = queueCommand(server.ctx, DEVICE, '<Get><CmdID>get-swv</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get>');
    const client = new TestDmClient(lab, server.url, DEVICE, PASSWORD);
    const r = await trustedSession(client);
    expect(r.msg.commands.some((c) => c.verb === 'Exec' || c.verb === 'Add')).toBe(false);
    expect(r.msg.commands.find((c) => c.verb === 'Get' && c.cmdId === queued.commandUuid)).toBeDefined();

    const install = server.ctx.store.read((db) =>
      db.prepare(`SELECT c.command_uuid, c.raw_command, q.acked_at FROM windows_mdm_commands c JOIN windows_mdm_command_queue q USING (command_uuid) WHERE c.target_loc_uri = ?`).get(FLEETD_LOC),
    ) as { command_uuid: string; raw_command: string; acked_at: string | null };
    expect(install.raw_command).toContain('FLEET_SECRET="s3cr&t<x"');
    expect(install.acked_at).toBeNull();
    // Fleet's log line (logging.WithErr + ctxerr.Wrap), with the Go decoder's error, on the step the timeline shows.
    const line = install.raw_command.slice(0, install.raw_command.indexOf('&t<')).split('\n').length;
    const step = lab.recorder.all().filter((s) => s.request?.url.endsWith(MDM_PATHS.management)).at(-1)!;
    expect(step.detail?.fleetLog).toEqual([`getPendingMDMCmds syncML cmd creation: XML syntax error on line ${line}: invalid character entity &t (no semicolon)`]);
    expect(step.detail?.skippedCommands).toEqual([install.command_uuid]);

    // Next message: still skipped, still queued (Fleet only continues past it).
    const again = await client.send([statusFor({ cmdId: '1', msgRef: r.msg.hdr.msgId, cmdRef: queued.commandUuid, cmd: 'Get', code: '200' })]);
    expect(again.msg.commands.some((c) => c.verb === 'Exec')).toBe(false);
    const acked = server.ctx.store.read((db) => db.prepare(`SELECT acked_at FROM windows_mdm_command_queue WHERE command_uuid = ?`).get(install.command_uuid)) as { acked_at: string | null };
    expect(acked.acked_at).toBeNull();
  });

  it('stores the Results of a queued Get in windows_mdm_command_results and acks the queue row', async () => {
    seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: PASSWORD });
    const client = new TestDmClient(lab, server.url, DEVICE, PASSWORD);
    const s1 = await trustedSession(client);
    const exec = s1.msg.commands.find((c) => c.verb === 'Exec')!;
    const queued = queueCommand(server.ctx, DEVICE, '<Get><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get>');
    // The device acknowledges the install and gets the queued Get in the reply.
    const s2 = await client.send([statusFor({ cmdId: '1', msgRef: s1.msg.hdr.msgId, cmdRef: exec.cmdId, cmd: 'Exec', code: '200' })]);
    const get = s2.msg.commands.find((c) => c.verb === 'Get' && c.cmdId === queued.commandUuid)!;
    expect(get.items[0]!.target).toBe('./DevDetail/SwV');
    const s3 = await client.send([
      statusFor({ cmdId: '1', msgRef: s2.msg.hdr.msgId, cmdRef: get.cmdId, cmd: 'Get', code: '200' }),
      resultsFor({ cmdId: '2', msgRef: s2.msg.hdr.msgId, cmdRef: get.cmdId, items: [{ source: './DevDetail/SwV', meta: { format: 'chr' }, data: '10.0.22631.4460' }] }),
    ]);
    expect(statusOf(s3.msg, '0')).toBe('200');
    const rows = server.ctx.store.read((db) =>
      db.prepare(`SELECT r.command_uuid, r.status_code, r.raw_result, q.acked_at FROM windows_mdm_command_results r JOIN windows_mdm_command_queue q USING (enrollment_id, command_uuid) ORDER BY r.created_at, r.command_uuid`).all(),
    ) as { command_uuid: string; status_code: string; raw_result: string; acked_at: string | null }[];
    const getRow = rows.find((r) => r.command_uuid === queued.commandUuid)!;
    expect(getRow.status_code).toBe('200');
    expect(getRow.raw_result).toContain('10.0.22631.4460');
    expect(getRow.acked_at).not.toBeNull();
    expect(rows.find((r) => r.command_uuid === exec.cmdId)?.acked_at).not.toBeNull();
    const responses = server.ctx.store.read((db) => db.prepare(`SELECT raw_response_gz FROM windows_mdm_responses ORDER BY id`).all()) as { raw_response_gz: Buffer }[];
    expect(gunzipSync(responses.at(-1)!.raw_response_gz).toString('utf8')).toContain('10.0.22631.4460');
  });

  it('re-queues the install with a fresh Exec CmdID and a fresh token on every new session until orbit checks in', async () => {
    seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: PASSWORD });
    const client = new TestDmClient(lab, server.url, DEVICE, PASSWORD);
    const a = (await trustedSession(client)).msg.commands.find((c) => c.verb === 'Exec')!;
    lab.clock.advance(60_000);
    const b = (await client.send(package1(DEVICE))).msg.commands.filter((c) => c.verb === 'Exec');
    const fresh = b.find((c) => c.cmdId !== a.cmdId)!;
    expect(fresh).toBeDefined();
    const tokenOf = (c: ParsedSyncMLCommand) => /EUA_TOKEN="([^"]+)"/.exec(msiJob(c).commandLine)![1]!;
    expect(tokenOf(fresh)).not.toBe(tokenOf(a));
    expect(decodeJwt(tokenOf(fresh)).iat).toBe(decodeJwt(tokenOf(a)).iat! + 60);
  });

  it('leaves EUA_TOKEN out of the command line when the EUA feature is off (Fleet before #41381)', async () => {
    updateSettings(server.ctx, { euaTokenEnabled: false });
    seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: PASSWORD });
    const exec = (await trustedSession(new TestDmClient(lab, server.url, DEVICE, PASSWORD))).msg.commands.find((c) => c.verb === 'Exec')!;
    expect(msiJob(exec).commandLine).toMatch(/ENABLE_SCRIPTS="True"$/);
  });

  it('queues no install for a programmatic enrollment (enroll_user_id is an orbit node key)', async () => {
    seedEnrollment(server.ctx, { deviceId: DEVICE, upn: 'bm9kZWtleS1ub3QtYS11cG4', password: PASSWORD, hostUuid: 'HOST-1' });
    const r = await trustedSession(new TestDmClient(lab, server.url, DEVICE, PASSWORD));
    expect(r.msg.commands.some((c) => c.verb === 'Exec')).toBe(false);
    expect(server.ctx.store.read((db) => db.prepare(`SELECT COUNT(*) AS n FROM windows_mdm_commands`).get())).toEqual({ n: 0 });
  });

  it('queues no install once the linked host has a checked-in orbit (seen within 90 s of the enrollment)', async () => {
    const now = server.ctx.nowIso();
    server.ctx.store.tx((db) => {
      db.prepare(`INSERT INTO hosts(id, uuid, platform, orbit_node_key, created_at, updated_at) VALUES (1, 'HOST-1', 'windows', 'nk', ?, ?)`).run(now, now);
      db.prepare(`INSERT INTO host_orbit_info(host_id, version) VALUES (1, '1.55.0')`).run();
      db.prepare(`INSERT INTO host_seen_times(host_id, seen_time) VALUES (1, ?)`).run(new Date(lab.clock.now() - 80_000).toISOString());
    });
    seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: PASSWORD, hostUuid: 'HOST-1' });
    const r = await trustedSession(new TestDmClient(lab, server.url, DEVICE, PASSWORD));
    expect(r.msg.commands.some((c) => c.verb === 'Exec')).toBe(false);
  });

  it('rekeys an enrollment without credentials, then acknowledges the new ones on the first good digest', async () => {
    seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: PASSWORD });
    server.ctx.store.tx((db) => db.prepare(`UPDATE mdm_windows_enrollments SET credentials_hash = NULL, credentials_acknowledged = 0`).run());
    const client = new TestDmClient(lab, server.url, DEVICE, 'unknown');
    const r = await client.send(package1(DEVICE));
    const replaces = r.msg.commands.filter((c) => c.verb === 'Replace');
    expect(replaces.map((c) => c.items[0]!.target?.split('/').at(-1))).toEqual(['AAuthName', 'AAuthSecret']);
    expect(dataText(replaces[0]!.items[0]!.data)).toBe(DEVICE);
    client.password = dataText(replaces[1]!.items[0]!.data)!;
    const ack = () => server.ctx.store.read((db) => (db.prepare(`SELECT credentials_acknowledged AS a FROM mdm_windows_enrollments`).get() as { a: number }).a);
    expect(ack()).toBe(0);
    await client.send(package1(DEVICE));
    const ok = await client.send(package1(DEVICE));
    expect(statusOf(ok.msg, '0')).toBe('200');
    expect(ack()).toBe(1);
  });

  it('deletes the enrollment on the user unenroll alert 1226', async () => {
    seedEnrollment(server.ctx, { deviceId: DEVICE, upn: UPN, password: PASSWORD });
    const client = new TestDmClient(lab, server.url, DEVICE, PASSWORD);
    await trustedSession(client);
    await client.send([{ verb: 'Alert', cmdId: '1', data: '1226', items: [{ meta: { type: 'com.microsoft:mdm.unenrollment.userrequest', format: 'int' }, data: '1' }] }]);
    expect(server.ctx.store.read((db) => db.prepare(`SELECT COUNT(*) AS n FROM mdm_windows_enrollments`).get())).toEqual({ n: 0 });
  });
});
