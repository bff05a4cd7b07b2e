import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { tempLab } from '../helpers/lab.js';
import { startMdmServer, type MdmServer } from '../../emulators/mdm/server.js';
import { fleetApiToken } from '../../emulators/mdm/api/token.js';
import { HOST_IDENTIFIER_NOT_FOUND } from '../../emulators/mdm/api/routes.js';
import { insertActivity } from '../../emulators/mdm/store/activities.js';
import { runScenarios } from '../../app/host/headless.js';
import { fleetViewOf } from '../../app/host/db-view.js';
import { BundleViewer } from '../../app/host/bundle-viewer.js';

const NOW = '2026-01-15T09:00:00.000Z';
const UUID_A = 'E6596103-2C17-408C-9D65-80C084064D0F';
const UUID_B = '0B3C1D2E-0000-4000-8000-00000000000B';

let mdm: MdmServer;
let token: string;
let dispose: () => void;

/** Two Windows hosts: A linked (host_emails, IdP link, host_mdm, an enrolled enrollment), B bare. */
function seedRows(): void {
  mdm.ctx.store.tx((db) => {
    const host = db.prepare(
      `INSERT INTO hosts(osquery_host_id, orbit_node_key, uuid, hostname, computer_name, platform, os_version, hardware_serial, hardware_model, last_enrolled_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'windows', 'Windows 11 Pro 23H2', ?, 'Virtual Machine', ?, ?, ?)`,
    );
    host.run(UUID_A, 'nk-a', UUID_A, 'DESKTOP-A', 'DESKTOP-A', 'SER-A', NOW, NOW, NOW);
    host.run(UUID_B, 'nk-b', UUID_B, 'DESKTOP-B', '', '', NOW, NOW, NOW);
    db.prepare(`INSERT INTO host_emails(host_id, email, source, created_at, updated_at) VALUES (1, 'alice@contoso.example', 'mdm_idp_accounts', ?, ?)`).run(NOW, NOW);
    db.prepare(`INSERT INTO host_orbit_info(host_id, version) VALUES (1, '1.55.0')`).run();
    db.prepare(
      `INSERT INTO host_mdm(host_id, enrolled, server_url, installed_from_dep, is_server, created_at, updated_at) VALUES (1, 1, 'https://fleet.example/api/mdm/microsoft/discovery', 1, 0, ?, ?)`,
    ).run(NOW, NOW);
    db.prepare(`INSERT INTO mdm_idp_accounts(uuid, username, fullname, email, created_at, updated_at) VALUES ('acct-1', 'alice', 'Alice Example', 'alice@contoso.example', ?, ?)`).run(NOW, NOW);
    db.prepare(`INSERT INTO host_mdm_idp_accounts(host_uuid, account_uuid, created_at, updated_at) VALUES (?, 'acct-1', ?, ?)`).run(UUID_A, NOW, NOW);
    db.prepare(
      `INSERT INTO mdm_windows_enrollments(mdm_device_id, mdm_hardware_id, device_state, device_type, device_name, enroll_type, enroll_user_id, enroll_proto_version, enroll_client_version, created_at, updated_at, host_uuid)
       VALUES ('DEV-A', 'HW-A', 'MDMDeviceEnrolledEnrolled', 'CIMClient_Windows', 'DESKTOP-A', 'Device', 'alice@contoso.example', '5.0', '10.0.22631.1', ?, ?, ?)`,
    ).run(NOW, NOW, UUID_A);
    insertActivity(db, { type: 'fleet_enrolled', details: { host_id: 1, host_serial: 'SER-A', host_display_name: 'DESKTOP-A' }, hostIds: [1], now: NOW });
  });
}

beforeAll(async () => {
  const t = tempLab({ seed: 'host-api' });
  dispose = t.dispose;
  mdm = await startMdmServer({ lab: t.lab, settings: { fleetProfile: 'current' } });
  token = fleetApiToken(mdm.ctx);
  seedRows();
});
afterAll(async () => {
  await mdm.close();
  dispose();
});

async function get(path: string, auth: string | null = `Bearer ${token}`): Promise<{ status: number; text: string; json: () => Record<string, unknown> }> {
  const res = await fetch(mdm.url + path, { headers: auth === null ? {} : { authorization: auth } });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

describe("Fleet's host API (GET /api/v1/fleet/hosts/:id and friends)", () => {
  it('GET host: {host} with Fleet key order, mdm from host_mdm and the Windows enrollment, end_users from the IdP link', async () => {
    const r = await get('/api/v1/fleet/hosts/1');
    expect(r.status).toBe(200);
    expect(r.text.startsWith('{\n  "host": {\n    "created_at"')).toBe(true); // json.Encoder with a two-space indent
    const host = r.json().host as Record<string, unknown>;
    expect(Object.keys(host).slice(0, 6)).toEqual(['created_at', 'updated_at', 'id', 'last_enrolled_at', 'seen_time', 'hostname']);
    expect(host).toMatchObject({ id: 1, uuid: UUID_A, hardware_serial: 'SER-A', platform: 'windows', orbit_version: '1.55.0', team_id: null, team_name: null, display_name: 'DESKTOP-A' });
    expect(host.created_at).toBe('2026-01-15T09:00:00Z');
    expect(host.mdm).toEqual({
      enrollment_status: 'On (automatic)',
      dep_profile_error: false,
      server_url: 'https://fleet.example/api/mdm/microsoft/discovery',
      name: 'Fleet',
      encryption_key_available: false,
      os_settings: { disk_encryption: { status: null, detail: '' } },
      profiles: null,
      device_status: 'unlocked',
      pending_action: '',
      connected_to_fleet: true,
    });
    expect(host.end_users).toEqual([
      { idp_id: '', idp_username: 'alice@contoso.example', idp_full_name: 'Alice Example', idp_department: '', idp_info_updated_at: null, idp_groups: [], other_emails: [] },
    ]);
    // GET host has no device_mapping (HostDetail leaves it unset, omitempty): List hosts carries it.
    expect('device_mapping' in host).toBe(false);
  });

  it('a host without host_mdm: enrollment_status null, no MDM name, not connected; the display name falls back to the hostname', async () => {
    const host = (await get('/api/latest/fleet/hosts/2')).json().host as Record<string, unknown>;
    expect(host.mdm).toMatchObject({ enrollment_status: null, server_url: null, name: '', connected_to_fleet: false });
    expect(host.display_name).toBe('DESKTOP-B');
    expect(host.end_users).toEqual([]);
  });

  it('List hosts with device_mapping=true: the mapped host carries [{email, source}], the other null (#45066)', async () => {
    const hosts = (await get('/api/v1/fleet/hosts?device_mapping=true')).json().hosts as Record<string, unknown>[];
    expect(hosts.map((h) => h.device_mapping)).toEqual([[{ email: 'alice@contoso.example', source: 'mdm_idp_accounts' }], null]);
    // without the parameter the key is absent
    const plain = (await get('/api/v1/fleet/hosts')).json().hosts as Record<string, unknown>[];
    expect('device_mapping' in plain[0]!).toBe(false);
  });

  it('List hosts with query: a substring of hostname, computer_name, uuid or serial, case-insensitive; LIKE wildcards match themselves', async () => {
    const ids = async (q: string) => ((await get(`/api/v1/fleet/hosts?query=${encodeURIComponent(q)}`)).json().hosts as { id: number }[]).map((h) => h.id);
    expect(await ids(UUID_A.toLowerCase())).toEqual([1]);
    expect(await ids('ser-a')).toEqual([1]);
    expect(await ids('DESKTOP-')).toEqual([1, 2]);
    expect(await ids('DESKTOP_B')).toEqual([]);
    expect(await ids('%')).toEqual([]);
    expect(await ids('')).toEqual([1, 2]);
  });

  it('GET device_mapping: {host_id, device_mapping} and an empty array (not null) when there is none', async () => {
    expect((await get('/api/v1/fleet/hosts/1/device_mapping')).json()).toEqual({ host_id: 1, device_mapping: [{ email: 'alice@contoso.example', source: 'mdm_idp_accounts' }] });
    expect((await get('/api/v1/fleet/hosts/2/device_mapping')).json()).toEqual({ host_id: 2, device_mapping: [] });
  });

  it('GET host by identifier: serial, uuid or hostname', async () => {
    for (const id of ['SER-A', UUID_A, 'DESKTOP-A']) expect(((await get(`/api/v1/fleet/hosts/identifier/${id}`)).json().host as { id: number }).id).toBe(1);
  });

  it('activities: the feed and the host feed in Fleet Activity shape', async () => {
    const feed = (await get('/api/v1/fleet/activities')).json();
    expect(feed).toEqual({
      activities: [
        {
          created_at: '2026-01-15T09:00:00Z',
          id: 1,
          actor_full_name: null,
          actor_id: null,
          actor_gravatar: null,
          actor_email: null,
          type: 'fleet_enrolled',
          fleet_initiated: true,
          details: { host_id: 1, host_serial: 'SER-A', host_display_name: 'DESKTOP-A' },
        },
      ],
      meta: { has_next_results: false, has_previous_results: false },
    });
    expect(((await get('/api/v1/fleet/hosts/1/activities')).json().activities as unknown[]).length).toBe(1);
    expect(((await get('/api/v1/fleet/hosts/2/activities')).json().activities as unknown[]).length).toBe(0);
  });
});

describe("bad input gets Fleet's error and changes nothing", () => {
  const NOT_FOUND = (id: string) => ({ message: 'Resource Not Found', errors: [{ name: 'base', reason: `Host ${id} was not found in the datastore` }] });
  const AUTH = { message: 'Authentication required', errors: [{ name: 'base', reason: 'Authentication required' }] };
  const cases: [string, string, string | null, number, unknown][] = [
    ['unknown host', '/api/v1/fleet/hosts/99', 'ok', 404, NOT_FOUND('99')],
    ['unknown host device_mapping', '/api/v1/fleet/hosts/99/device_mapping', 'ok', 404, NOT_FOUND('99')],
    ['unknown host activities', '/api/v1/fleet/hosts/99/activities', 'ok', 404, NOT_FOUND('99')],
    ['unknown identifier', '/api/v1/fleet/hosts/identifier/NOPE', 'ok', 404, { message: 'Resource Not Found', errors: [{ name: 'base', reason: HOST_IDENTIFIER_NOT_FOUND }] }],
    ['no token', '/api/v1/fleet/hosts/1', null, 401, AUTH],
    ['wrong token', '/api/v1/fleet/hosts/1', 'Bearer not-the-token', 401, AUTH],
    ['not a bearer token', '/api/v1/fleet/activities', 'Basic YWRtaW46YWRtaW4=', 401, AUTH],
    ['token before the host check', '/api/v1/fleet/hosts/99', null, 401, AUTH],
  ];
  it.each(cases)('%s', async (_name, path, auth, status, body) => {
    const before = mdm.ctx.store.fileBytes();
    const r = await get(path, auth === 'ok' ? `Bearer ${token}` : auth);
    expect(r.status).toBe(status);
    expect(r.json()).toEqual(body);
    expect(mdm.ctx.store.fileBytes().equals(before)).toBe(true);
  });

  it('a non-numeric id matches no route: a plain 404, nothing written', async () => {
    const before = mdm.ctx.store.fileBytes();
    const r = await get('/api/v1/fleet/hosts/abc');
    expect(r.status).toBe(404);
    expect(r.text).toBe('404 page not found\n');
    expect(mdm.ctx.store.fileBytes().equals(before)).toBe(true);
  });

  it("a path the router cannot decode (`%zz`) is Fleet's 400 JSON error, nothing written", async () => {
    const before = mdm.ctx.store.fileBytes();
    const r = await get('/api/v1/fleet/hosts/%zz');
    expect(r.status).toBe(400);
    expect(r.json()).toEqual({ message: 'Bad request', errors: [{ name: 'base', reason: 'invalid request' }] });
    expect(mdm.ctx.store.fileBytes().equals(before)).toBe(true);
  });
});

/** Every mdm_enrolled activity of a run, with the catalog id of the step that wrote it. */
function mdmEnrolled(steps: { catalogId: string; changes: { table: string; op: string; after: Record<string, unknown> | null }[] }[]) {
  return steps.flatMap((s) =>
    s.changes
      .filter((c) => c.table === 'activities' && c.op === 'insert' && c.after?.activity_type === 'mdm_enrolled')
      .map((c) => ({ step: s.catalogId, details: JSON.parse(c.after!.details as string) as Record<string, unknown> })),
  );
}

describe('mdm_enrolled for an Autopilot EUA run, by profile (switch deferred-mdm-enrolled-activity, #52235)', () => {
  it('eua-first: recorded by the enroll request, DeviceName and an empty serial, no host; current: deferred, claimed by orbit enroll with the host', async () => {
    const first = (await runScenarios(['autopilot-eua'], { seed: 'mdm-enrolled', fleet: 'eua-first' })).runs[0]!;
    const current = (await runScenarios(['autopilot-eua'], { seed: 'mdm-enrolled', fleet: 'current' })).runs[0]!;
    expect(first.passed && current.passed).toBe(true);

    const a = mdmEnrolled(first.bundle.steps);
    expect(a).toHaveLength(1);
    expect(a[0]!.step).toBe('mde2.rst');
    expect(a[0]!.details).toEqual({ host_serial: '', host_display_name: expect.stringMatching(/^DESKTOP-/), installed_from_dep: false, mdm_platform: 'microsoft', enrollment_id: null, platform: '' });

    const b = mdmEnrolled(current.bundle.steps);
    expect(b).toHaveLength(1);
    expect(b[0]!.step).toBe('orbit.enroll');
    expect(Object.keys(b[0]!.details)).toEqual(['host_id', 'host_serial', 'host_display_name', 'installed_from_dep', 'mdm_platform', 'enrollment_id', 'platform']);
    expect(b[0]!.details).toMatchObject({ host_id: 1, installed_from_dep: true, mdm_platform: 'microsoft', platform: 'windows' });
    expect(b[0]!.details.host_serial).toEqual(expect.any(String));
    // the enroll request wrote no activity under current, and the claim column is NULL until orbit enroll
    const rst = current.bundle.steps.find((s) => s.catalogId === 'mde2.rst')!;
    expect(rst.changes.some((c) => c.table === 'activities')).toBe(false);
    expect(rst.changes.find((c) => c.table === 'mdm_windows_enrollments')?.after).toMatchObject({ mdm_enrolled_activity_at: null });

    // What Fleet shows after the last step (from the bundle's snapshot): on the host's feed under current only.
    const last = (run: typeof first) => fleetViewOf(new BundleViewer(run.bundle, []).dbView(run.bundle.steps.length - 1));
    const vFirst = last(first);
    const vCurrent = last(current);
    // Both feeds also have orbit's fleet_enrolled (every profile); mdm_enrolled is on the host's feed under current only.
    const types = (v: typeof vFirst) => (v.hosts[0]!.activities.activities as { type: string }[]).map((x) => x.type);
    expect(types(vFirst)).not.toContain('mdm_enrolled');
    expect(types(vCurrent).filter((t) => t === 'mdm_enrolled')).toEqual(['mdm_enrolled']);
    expect((vFirst.activities.activities as { type: string }[]).map((x) => x.type)).toContain('mdm_enrolled');
  }, 120_000);
});

