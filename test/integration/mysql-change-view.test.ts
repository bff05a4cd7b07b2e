import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MysqlWatcher } from '../../emulators/lab/mysql/watch.js';
import { MysqlWatchError } from '../../emulators/lab/mysql/url.js';
import type { Lab, StepWatcher } from '../../emulators/lab/lab.js';
import { runScenarios } from '../../app/host/headless.js';
import { runCommand } from '../../app/cli/run.js';
import { serveCommand } from '../../app/cli/serve.js';
import type { DbChange } from '../../emulators/lab/step.js';
import { fleetPrimaryKeys } from '../helpers/fleet-mysql-schema.js';
import { startMariaDb, type MariaDb } from '../helpers/mariadb.js';
import { tempLab } from '../helpers/lab.js';
import { untilHeld } from '../helpers/events.js';
import { mysqlRowSource } from '../../emulators/scenarios/rows.js';
import { evaluate, rowSourceFor } from '../../emulators/scenarios/expect.js';
import { startWorld } from '../../emulators/scenarios/world.js';

/**
 * The DB tab against an external Fleet: a real MariaDB loaded with Fleet's table definitions, written by a stand-in
 * for Fleet's handlers (the HTTP server below writes as root, as Fleet's datastore would), watched read-only by
 * MysqlWatcher through the lab's step-watcher hook.
 */
let db: MariaDb;
let server: Server;
let url: string;
/** What the stand-in Fleet does for each path, inside the request (so before the response). */
const handlers = new Map<string, () => Promise<unknown>>();

beforeAll(async () => {
  db = await startMariaDb();
  server = createServer((req, res) => {
    const h = handlers.get(req.url ?? '');
    void (h ? h() : Promise.resolve()).then(
      () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'),
      (e: Error) => res.writeHead(500).end(e.message),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 30_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await db?.stop();
});

async function watchedLab(): Promise<{ lab: Lab; watcher: MysqlWatcher; dispose: () => Promise<void> }> {
  const watcher = await MysqlWatcher.connect(db.readerUrl);
  const t = tempLab({ watchers: [watcher] });
  return { lab: t.lab, watcher, dispose: async () => { t.dispose(); await watcher.close(); } };
}

const post = (lab: Lab, path: string) => lab.send({ from: 'device', to: 'mdm', request: { method: 'POST', url: `${url}${path}`, headers: {}, body: '' } });
const tables = (changes: DbChange[]) => changes.map((c) => `${c.op} ${c.table}`);

describe('the MySQL change view (a real MariaDB with Fleet\'s tables)', () => {
  it('shows the rows a step wrote as that step\'s changes, keyed by primary key, and nothing of them on the other steps', async () => {
    const { lab, watcher, dispose } = await watchedLab();
    try {
      expect(await watcher.sessionReadOnly()).toBe(true);
      // Every watched table, its primary key read from information_schema as Fleet's schema declares it (the renderer
      // follows rows by the same keys: test/unit/renderer/lib/row-identity-fleet-mysql.test.ts).
      expect(watcher.watched).toEqual(fleetPrimaryKeys());

      handlers.set('/enroll', async () => {
        // What storeWindowsMDMEnrolledDevice and the fleetd install command write (fleet.md §2.7, §3).
        await db.root.query(`INSERT INTO fleet.mdm_windows_enrollments (mdm_device_id, mdm_hardware_id, device_state, device_type, device_name, enroll_type, enroll_user_id, enroll_proto_version, enroll_client_version, not_in_oobe)
          VALUES ('dev-1', 'hw-1', 'Enrolled', 'CIMClient_Windows', 'DESKTOP-1', 'Device', 'alice@contoso.com', '5.0', '10.0.26100', 1)`);
        await db.root.query(`INSERT INTO fleet.windows_mdm_commands (command_uuid, raw_command, target_loc_uri) VALUES ('cmd-1', '<Add/>', './Device/Vendor/MSFT/EnterpriseDesktopAppManagement')`);
        await db.root.query(`INSERT INTO fleet.windows_mdm_command_queue (enrollment_id, command_uuid) VALUES (LAST_INSERT_ID(), 'cmd-1')`);
      });
      handlers.set('/ack', async () => {
        await db.root.query(`UPDATE fleet.windows_mdm_command_queue SET acked_at = '2026-01-15 09:00:01.123456' WHERE command_uuid = 'cmd-1'`);
        await db.root.query(`UPDATE fleet.mdm_windows_enrollments SET credentials_hash = UNHEX(MD5('device creds')), host_uuid = 'host-uuid-1' WHERE mdm_device_id = 'dev-1'`);
      });
      handlers.set('/gc', async () => {
        await db.root.query(`DELETE FROM fleet.windows_mdm_command_queue WHERE command_uuid = 'cmd-1'`);
      });

      const enroll = (await post(lab, '/enroll')).step;
      const ack = (await post(lab, '/ack')).step;
      const gc = (await post(lab, '/gc')).step;

      expect(tables(enroll.changes).sort()).toEqual(['insert mdm_windows_enrollments', 'insert windows_mdm_command_queue', 'insert windows_mdm_commands']);
      expect(enroll.changes.every((c) => c.party === 'mdm')).toBe(true);
      const enrollment = enroll.changes.find((c) => c.table === 'mdm_windows_enrollments')!;
      const enrollmentId = enrollment.after!.id as number;
      expect(enrollment.after).toMatchObject({ id: enrollmentId, mdm_device_id: 'dev-1', enroll_user_id: 'alice@contoso.com', not_in_oobe: 1, host_uuid: '', credentials_hash: null });
      // A TIMESTAMP as the SQLite stores write dates: ISO-8601 in UTC.
      expect(enrollment.after!.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
      expect(enroll.changes.find((c) => c.table === 'windows_mdm_command_queue')!.after).toMatchObject({ enrollment_id: enrollmentId, command_uuid: 'cmd-1', acked_at: null });

      expect(tables(ack.changes).sort()).toEqual(['update mdm_windows_enrollments', 'update windows_mdm_command_queue']);
      const queued = ack.changes.find((c) => c.table === 'windows_mdm_command_queue')!;
      expect(queued.before).toMatchObject({ enrollment_id: enrollmentId, command_uuid: 'cmd-1', acked_at: null });
      // DATETIME(6) keeps its microseconds; BINARY(16) reads as upper-case hex, as changelog.ts logs a BLOB.
      expect(queued.after).toMatchObject({ enrollment_id: enrollmentId, command_uuid: 'cmd-1', acked_at: '2026-01-15T09:00:01.123456Z' });
      const linked = ack.changes.find((c) => c.table === 'mdm_windows_enrollments')!;
      expect(linked.before).toMatchObject({ id: enrollmentId, host_uuid: '', credentials_hash: null });
      expect(linked.after).toMatchObject({ id: enrollmentId, host_uuid: 'host-uuid-1' });
      expect(linked.after!.credentials_hash).toMatch(/^[0-9A-F]{32}$/);

      expect(gc.changes).toEqual([{ party: 'mdm', table: 'windows_mdm_command_queue', op: 'delete', before: queued.after, after: null }]);
    } finally {
      handlers.clear();
      await dispose();
    }
  });

  it('gives the rows written while a step waits at the gate to that step; rows written between steps to none', async () => {
    const { lab, watcher, dispose } = await watchedLab();
    try {
      const first = (await post(lab, '/nothing')).step;
      // Between steps (the lab's own admin calls, Fleet's crons): no step did this.
      await db.root.query(`INSERT INTO fleet.scim_users (user_name, active) VALUES ('between@contoso.com', 1)`);
      lab.gate.setMode('step');
      const sent = post(lab, '/nothing');
      const held = await untilHeld(lab.gate);
      await db.root.query(`INSERT INTO fleet.scim_users (user_name, given_name, active) VALUES ('held@contoso.com', 'Held', 1)`);
      lab.gate.continue();
      const second = (await sent).step;
      expect(second.id).toBe(held.id);

      expect(first.changes).toEqual([]);
      expect(second.changes.map((c) => [c.op, c.table, c.after?.user_name])).toEqual([['insert', 'scim_users', 'held@contoso.com']]);
      expect(watcher.outside.map((c) => c.after?.user_name)).toContain('between@contoso.com');
    } finally {
      await dispose();
    }
  });

  it('reads TIMESTAMPs in UTC whatever time zone Fleet\'s session wrote them in', async () => {
    const { lab, dispose } = await watchedLab();
    try {
      handlers.set('/idp', async () => {
        // 11:00 at +02:00 is 09:00 UTC: a TIMESTAMP is stored in UTC and read in the reader's session zone.
        await db.root.query(`SET time_zone = '+02:00'; INSERT INTO fleet.mdm_idp_accounts (uuid, username, email, created_at, updated_at) VALUES ('acc-1', 'alice', 'alice@contoso.com', '2026-01-15 11:00:00', '2026-01-15 11:00:00'); SET time_zone = SYSTEM`);
      });
      const step = (await post(lab, '/idp')).step;
      expect(step.changes.map((c) => [c.op, c.table, c.after?.created_at])).toEqual([['insert', 'mdm_idp_accounts', '2026-01-15T09:00:00.000Z']]);
    } finally {
      handlers.clear();
      await dispose();
    }
  });

  it('stops watching a table past the row bound, and says so once', async () => {
    await db.root.query(`INSERT INTO fleet.host_orbit_info (host_id, version) VALUES (101, '1.55.0'), (102, '1.55.0'), (103, '1.54.0')`);
    const warnings: string[] = [];
    const watcher = await MysqlWatcher.connect(db.readerUrl, { tables: ['host_orbit_info', 'host_seen_times'], maxRowsPerTable: 2, warn: (l) => warnings.push(l) });
    try {
      expect(warnings).toEqual(['--mdm-mysql: host_orbit_info has more than 2 rows; it is no longer watched']);
      expect(watcher.watched).toEqual({ host_seen_times: ['host_id'] });
      await db.root.query(`UPDATE fleet.host_orbit_info SET version = '1.56.0'`);
      await db.root.query(`INSERT INTO fleet.host_seen_times (host_id, seen_time) VALUES (101, '2026-01-15 09:00:00')`);
      const step = { id: 'probe' } as never;
      await watcher.before(step);
      expect((await watcher.after(step)).map((c) => c.table)).toEqual([]);
      expect(watcher.outside.map((c) => `${c.op} ${c.table}`)).toEqual(['insert host_seen_times']);
      expect(warnings).toHaveLength(1);
    } finally {
      await watcher.close();
    }
  });

  it('a lost connection leaves the step recorded, its detail saying Fleet\'s rows could not be read', async () => {
    const { lab, dispose } = await watchedLab();
    try {
      const [procs] = await db.root.query<import('mysql2/promise').RowDataPacket[]>(`SELECT ID FROM information_schema.PROCESSLIST WHERE USER = 'fleet_ro'`);
      for (const p of procs) await db.root.query(`KILL ${Number(p.ID)}`);
      const res = await post(lab, '/nothing');
      expect(res.status).toBe(200);
      expect(res.step.status).toBe('done');
      expect(String(res.step.detail?.['mdm rows'])).toMatch(/^not read: /);
    } finally {
      await dispose();
    }
  });

  it('a bad URL, a refused connection, a wrong password or a DB without Fleet\'s tables is one clear error, without the password', async () => {
    await expect(MysqlWatcher.connect('http://127.0.0.1/fleet')).rejects.toThrow(/^--mdm-mysql: the URL must start with mysql:\/\//);
    await expect(MysqlWatcher.connect('mysql://fleet_ro:pw@127.0.0.1:3306/')).rejects.toThrow(/name Fleet's database/);
    await expect(MysqlWatcher.connect('not a url')).rejects.toBeInstanceOf(MysqlWatchError);

    // A port nothing listens on: the server we stopped would do, this one was never there.
    const refused = MysqlWatcher.connect(`mysql://fleet_ro:s3cret@127.0.0.1:1/fleet`);
    await expect(refused).rejects.toThrow(/^cannot connect to Fleet's MySQL at mysql:\/\/fleet_ro@127\.0\.0\.1:1\/fleet: .*ECONNREFUSED/);
    await expect(refused).rejects.not.toThrow(/s3cret/);

    await expect(MysqlWatcher.connect(`mysql://fleet_ro:wrong@127.0.0.1:${db.port}/fleet`)).rejects.toThrow(/^cannot connect to Fleet's MySQL at .*: .*Access denied/);

    await db.root.query(`CREATE DATABASE IF NOT EXISTS not_fleet; GRANT SELECT ON not_fleet.* TO 'fleet_ro'@'127.0.0.1'`);
    await expect(MysqlWatcher.connect(`mysql://fleet_ro:ro-secret@127.0.0.1:${db.port}/not_fleet`)).rejects.toThrow(/has none of Fleet's tables/);
  });
});

describe('expectations read through Fleet\'s MySQL', () => {
  it('finds the rows Fleet holds now, every column of its schema, and skips a table it does not watch or a column it lacks', async () => {
    const { lab, watcher, dispose } = await watchedLab();
    try {
      handlers.set('/enroll-rows', async () => {
        await db.root.query(`INSERT INTO fleet.mdm_windows_enrollments (mdm_device_id, mdm_hardware_id, device_state, device_type, device_name, enroll_type, enroll_user_id, enroll_proto_version, enroll_client_version, not_in_oobe)
          VALUES ('dev-rows-1', 'hw-rows-1', 'Enrolled', 'CIMClient_Windows', 'DESKTOP-R', 'Device', '', '5.0', '10.0.26100', 1)`);
      });
      await post(lab, '/enroll-rows');
      // Written after the last step (a Fleet cron): the source reads Fleet as it is when the run ends.
      await db.root.query(`UPDATE fleet.mdm_windows_enrollments SET host_uuid = 'host-rows-1' WHERE mdm_device_id = 'dev-rows-1'`);
      await watcher.rows.refresh();
      const rows = mysqlRowSource(watcher.rows);
      expect(rows.changes).toBe(true);
      expect(rows.mdmRows('mdm_windows_enrollments', { mdm_device_id: 'dev-rows-1', not_in_oobe: 1, host_uuid: 'host-rows-1' })).toEqual({ matched: 1, total: expect.any(Number), via: expect.stringMatching(/row\(s\) in mdm_windows_enrollments \(Fleet's MySQL \(mysql:\/\/fleet_ro@/) });
      expect(rows.mdmRows('mdm_windows_enrollments', { mdm_device_id: 'dev-rows-1', not_in_oobe: 0 })).toMatchObject({ matched: 0 });
      expect(rows.mdmRows('mdm_windows_enrollments', { mdm_device_id: 'dev-rows-1', fleetd_sync_capable: 1 })).toEqual({ skip: expect.stringMatching(/^this Fleet's mdm_windows_enrollments has no column fleetd_sync_capable/) });
      expect(rows.mdmRows('software', { name: 'Fleet osquery' })).toEqual({ skip: expect.stringMatching(/^mdm\.software is not among the tables Fleet's MySQL/) });
    } finally {
      handlers.clear();
      await dispose();
    }
  });

  it('against an external Fleet a run with --mdm-mysql checks row and change expectations in MySQL, not through the host API', async () => {
    const fleet = await startWorld({ seed: 'mysql-rows-fleet' });
    const watcher = await MysqlWatcher.connect(db.readerUrl);
    const world = await startWorld({ seed: 'mysql-rows-lab', externalMdm: { url: fleet.mdmTarget.url, token: fleet.mdmTarget.token }, watchers: [watcher] });
    try {
      handlers.set('/orbit-enroll-rows', async () => {
        await db.root.query(`INSERT INTO fleet.host_emails (host_id, email, source) VALUES (4242, 'rows@contoso.com', 'mdm_idp_accounts')`);
      });
      await post(world.lab, '/orbit-enroll-rows');
      const source = await rowSourceFor(world);
      expect(source.name).toMatch(/^Fleet's MySQL \(mysql:\/\//);
      const [row, change, absent] = evaluate(
        [
          { kind: 'row', party: 'mdm', table: 'host_emails', where: { host_id: 4242, email: 'rows@contoso.com', source: 'mdm_idp_accounts' }, present: true },
          { kind: 'change', party: 'mdm', table: 'host_emails', op: 'insert' },
          { kind: 'change', party: 'mdm', table: 'host_emails', op: 'delete' },
        ],
        world,
        source,
      );
      expect(row).toMatchObject({ passed: true, stepIndex: 0 });
      expect(row!.skipped).toBeUndefined();
      // The host API has no change log (that expectation is skipped there); MySQL's per-step changes decide it.
      expect(change).toMatchObject({ passed: true, stepIndex: 0 });
      expect(absent).toMatchObject({ passed: false, detail: 'no such change in the run' });
      expect(absent!.skipped).toBeUndefined();
    } finally {
      handlers.clear();
      await world.close();
      await watcher.close();
      await fleet.close();
    }
  });
});

describe('--mdm-mysql', () => {
  it('run: every lab-sent step of a scenario passes the watcher, and the embedded server (SQLite) still passes its expectations', async () => {
    const watcher = await MysqlWatcher.connect(db.readerUrl);
    const watched: string[] = [];
    const spy: StepWatcher = { party: 'mdm', before: (s) => watcher.before(s), after: (s) => (watched.push(s.id), watcher.after(s)) };
    try {
      const report = await runScenarios(['autopilot-eua'], { seed: 'mdm-mysql', watchers: [spy] });
      const run = report.runs[0]!;
      expect(run.failures).toEqual([]);
      expect(run.passed).toBe(true);
      const sent = run.bundle.steps.filter((s) => s.kind === 'http' && s.observedBy === 'lab').map((s) => s.id);
      expect(sent.length).toBeGreaterThan(5);
      expect(watched.sort()).toEqual(sent.sort());
    } finally {
      await watcher.close();
    }
  });

  it('run with a refused connection, serve with a wrong URL: one line on stderr, exit 2, nothing started', async () => {
    const written: string[] = [];
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const exitCode = process.exitCode;
    try {
      await runCommand(['autopilot-eua'], { mdmMysql: 'mysql://fleet_ro:s3cret@127.0.0.1:1/fleet' });
      expect(process.exitCode).toBe(2);
      expect(out).not.toHaveBeenCalled();
      expect(written.join('').trim().split('\n')).toEqual([expect.stringMatching(/^cannot connect to Fleet's MySQL at mysql:\/\/fleet_ro@127\.0\.0\.1:1\/fleet: .*ECONNREFUSED/)]);
      written.length = 0;
      process.exitCode = 0;
      await serveCommand({ mdmMysql: 'https://fleet.example.com' });
      expect(process.exitCode).toBe(2);
      expect(out).not.toHaveBeenCalled();
      expect(written).toEqual(['--mdm-mysql: the URL must start with mysql:// (got https://)\n']);
    } finally {
      err.mockRestore();
      out.mockRestore();
      process.exitCode = exitCode;
    }
  });
});
