import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startWorld, type World } from '../../emulators/scenarios/world.js';
import { findScenario } from '../../emulators/scenarios/index.js';
import type { AutopilotOutcome } from '../../emulators/scenarios/flows/autopilot.js';
import { CLIENT_IDS, GRANT_TYPES, formBody } from '../../emulators/protocols/oauth.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';
import type { JoinState } from '../../emulators/device/state.js';

/**
 * Many clients at once against one server: the invariants Fleet's and Entra's datastores keep (one host, one
 * enrollment, one IdP link, a nonce spent once) hold, and nobody gets a 500 or a busy database.
 */
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const N = 100;

async function autopilot(seed: string): Promise<{ w: World; out: AutopilotOutcome }> {
  world = await startWorld({ dataDir: mkdtempSync(join(tmpdir(), 'es-conc-')), seed });
  const out = (await findScenario('autopilot-eua')!.run(world, {})) as AutopilotOutcome;
  return { w: world, out };
}

function replay(w: World, catalogId: string, times: number): Promise<Response[]> {
  const step = w.lab.recorder.all().find((s) => s.catalogId === catalogId && s.response?.status === 200)!;
  const { url, method, headers, body } = step.request!;
  const h = Object.fromEntries(Object.entries(headers).filter(([k]) => !['content-length', 'host', 'connection'].includes(k.toLowerCase())));
  return Promise.all(Array.from({ length: times }, () => fetch(url, { method, headers: h, ...(body !== undefined && { body }) })));
}

const count = (w: World, sql: string, ...args: unknown[]) => w.mdm.ctx.store.read((db) => db.prepare(sql).pluck().get(...args)) as number;

describe(`${N} clients at once`, () => {
  it(`${N} concurrent orbit enrolls of one host: every one 200, one host, one IdP link`, async () => {
    const { w, out } = await autopilot('conc-orbit');
    const res = await replay(w, 'orbit.enroll', N);
    expect(res.map((r) => r.status)).toEqual(Array(N).fill(200));
    const keys = await Promise.all(res.map(async (r) => ((await r.json()) as { orbit_node_key: string }).orbit_node_key));
    expect(new Set(keys).size).toBe(N);
    expect(count(w, `SELECT COUNT(*) FROM hosts`)).toBe(1);
    expect(count(w, `SELECT COUNT(*) FROM host_mdm_idp_accounts WHERE host_uuid = ?`, out.hardwareUuid)).toBe(1);
    // The last node key written is the host's; orbit keeps whichever answer it read last.
    expect(keys).toContain(w.mdm.ctx.store.read((db) => db.prepare(`SELECT orbit_node_key FROM hosts`).pluck().get()));
  });

  it(`${N} concurrent MS-MDE2 enrolls of one HWDevID: no 500, one enrollment row for it`, async () => {
    const { w, out } = await autopilot('conc-mde2');
    const res = await replay(w, 'mde2.rst', N);
    const statuses = new Set(res.map((r) => r.status));
    expect([...statuses]).toEqual([200]);
    const bodies = await Promise.all(res.map((r) => r.text()));
    expect(bodies.every((b) => b.includes('RequestSecurityTokenResponseCollection'))).toBe(true);
    expect(count(w, `SELECT COUNT(*) FROM mdm_windows_enrollments WHERE mdm_hardware_id = (SELECT mdm_hardware_id FROM mdm_windows_enrollments WHERE mdm_device_id = ?)`, out.mdmDeviceId)).toBe(1);
  });

  it(`${N} concurrent PRT requests with one nonce: one PRT, the rest refused as OAuth errors, none a 500`, async () => {
    const { w, out } = await autopilot('conc-prt');
    const join = out.device.state.require('join', 'joined') as JoinState;
    const user = w.entra.users[0]!;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const nonceRes = await fetch(`${w.entra.url}${ENTRA_PATHS.token('common')}`, { method: 'POST', headers: form, body: formBody({ grant_type: GRANT_TYPES.srvChallenge }) });
    const nonce = ((await nonceRes.json()) as { Nonce: string }).Nonce;
    const request = await out.device.tpm.signJwt(join.deviceKeyHandle, { alg: 'RS256', typ: 'JWT', x5c: [join.deviceCertB64] }, {
      client_id: CLIENT_IDS.windowsSignIn, request_nonce: nonce, scope: 'openid aza ugs', grant_type: GRANT_TYPES.password, username: user.upn, password: user.password,
    });
    const body = formBody({ windows_api_version: '2.2', grant_type: GRANT_TYPES.jwtBearer, request, client_info: '1' });
    const res = await Promise.all(Array.from({ length: N }, () => fetch(`${w.entra.url}${ENTRA_PATHS.token(join.tenantId)}`, { method: 'POST', headers: form, body })));
    const statuses = res.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const refused = await Promise.all(res.filter((r) => r.status !== 200).map(async (r) => (await r.json()) as { error: string; error_codes?: number[] }));
    expect(refused).toHaveLength(N - 1);
    expect(new Set(refused.map((e) => e.error))).toEqual(new Set(['invalid_grant']));
  });
});
