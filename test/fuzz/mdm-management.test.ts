import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fuzzWorld, send, type FuzzWorld, type WireRequest } from './helpers/world.js';
import { fuzzEndpoint, stillServes } from './helpers/fuzz.js';
import { jsonMutant, mutant, nastyString, pathId, withContentType, xmlMutant, type Mutant } from './helpers/mutate.js';
import { fleetJson, syncml } from './helpers/shapes.js';
import { fleetApiToken } from '../../emulators/mdm/api/token.js';
import type { Store } from '../../emulators/lab/store.js';
import { EMPTY_HARDWARE_UUID } from '../../emulators/mdm/orbit/enroll.js';

/**
 * OMA-DM management, orbit's enroll and config, and Fleet's host API under fuzzing: 1,000 mutants each of the
 * requests the device and orbit sent (the host API's from its documented form). Management answers SyncML, a SOAP
 * fault or Fleet's JSON; orbit and the API answer Fleet's JSON; no refusal writes; the valid request still works.
 */

let fw: FuzzWorld;
let store: Store;
let hostId: number;
beforeAll(async () => {
  fw = await fuzzWorld('fuzz-mgmt');
  store = fw.world.mdm.ctx.store;
  hostId = store.read((db) => db.prepare(`SELECT id FROM hosts ORDER BY id LIMIT 1`).pluck().get() as number);
});
afterAll(async () => fw?.close());

describe('OMA-DM management (SyncML 1.2)', () => {
  it('mutated SyncML messages get SyncML, a SOAP fault or Fleet JSON, and refusals write nothing', async () => {
    // The device's third message of the first session: SyncHdr, Cred, Status and Results to mutate.
    const valid = fw.captured('omadm.message', 2);
    await fuzzEndpoint({ endpoint: 'POST /api/mdm/microsoft/management (SyncML)', store, valid, mutant: withContentType(xmlMutant(valid.body)), shape: syncml, seed: 1410 });
    await stillServes(fw.captured('omadm.message', 0), syncml);
  });
});

describe('orbit', () => {
  // The host is linked to its IdP account already (the scenario's EUA), so Fleet does not need the eua_token again: a
  // tampered one may enroll (fleet.md §4.2 already-satisfied), and what it wrote is put back.
  it('mutated enroll requests and tampered EUA tokens get Fleet JSON, and refusals write nothing', async () => {
    const valid = fw.captured('orbit.enroll');
    // fleet.md corrections §3: an empty hardware_uuid is Fleet's own 500 (GetMDMIdPAccountByHostUUID's error, wrapped).
    const shape = fleetJson({ allow5xx: new RegExp(`"message": "${EMPTY_HARDWARE_UUID}"`) });
    await fuzzEndpoint({ endpoint: 'POST /api/fleet/orbit/enroll', store, valid, mutant: withContentType(jsonMutant(valid.body, { jwtFields: ['eua_token'], jwtBreaks: false })), shape, seed: 1411 });
    const res = await stillServes(valid, fleetJson());
    expect(JSON.parse(res.body)).toHaveProperty('orbit_node_key');
  });

  it('mutated config polls get the config or 401 Authentication required, and write nothing', async () => {
    const valid = fw.captured('orbit.config');
    await fuzzEndpoint({ endpoint: 'POST /api/fleet/orbit/config', store, valid, mutant: withContentType(jsonMutant(valid.body)), shape: fleetJson(), seed: 1412 });
    // The enroll above rotated the node key: the old one is refused, with Fleet's 401.
    const res = await send(valid);
    expect(fleetJson()(res)).toBe('error');
    expect(res.status).toBe(401);
  });
});

/** The host API's auth header mutated: missing, another scheme, another token, doubled, padded. */
function authMutant(token: string): fc.Arbitrary<Record<string, string>> {
  return fc.oneof(
    fc.constant({ authorization: '' }),
    fc.constantFrom('Basic ', 'bearer  ', 'Bearer', 'Token ', 'Bearer  ').map((p) => ({ authorization: `${p}${p.trim() === 'Bearer' && p !== 'Bearer  ' ? '' : token}` })),
    // Printable only (a header is latin1) and short (Node's own 16 KiB header limit answers 431 before any route).
    nastyString.map((t) => ({ authorization: `Bearer ${t.replace(/[^\x20-\x7e]/g, '').slice(0, 200)}` })),
    fc.integer({ min: 0, max: token.length - 1 }).map((i) => ({ authorization: `Bearer ${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}` })),
    fc.constant({ authorization: `Bearer ${token}, Bearer ${token}` }),
  );
}

/** `authChecked`: the route refuses a bad token (every host route, DELETE too: Fleet authenticates it as the admin's). */
function apiMutant(pathFor: (id: string) => string, token: string, authChecked: boolean): fc.Arbitrary<Mutant> {
  const mk = (label: string, path: string, headers: Record<string, string>, breaks: boolean) => mutant(label, '', breaks, { path, headers });
  return fc.oneof(
    pathId.map((id) => mk(`id ${id}`, pathFor(id), {}, false)),
    authMutant(token).map((h) => mk(`auth ${JSON.stringify(h).slice(0, 40)}`, pathFor('HOST'), h, authChecked)),
    fc.tuple(pathId, authMutant(token)).map(([id, h]) => mk(`id ${id} auth`, pathFor(id), h, authChecked)),
  );
}

describe('defects the fuzzing found, pinned', () => {
  it('orbit enroll with a known osquery identifier under a new hardware UUID updates that host (matchHostDuringEnrollment), not a UNIQUE-constraint 500', async () => {
    const valid = fw.captured('orbit.enroll');
    const body = JSON.stringify({ ...(JSON.parse(valid.body) as Record<string, unknown>), hardware_uuid: '00000000-0000-4000-8000-000000000001' });
    const hosts = () => store.read((db) => db.prepare(`SELECT COUNT(*) FROM hosts`).pluck().get() as number);
    const before = hosts();
    const res = await send({ ...valid, body });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toHaveProperty('orbit_node_key');
    expect(hosts()).toBe(before);
  });

  it("a path no route takes gets gorilla/mux's plain 404, not fastify's JSON", async () => {
    const res = await send({ method: 'GET', url: `${fw.world.mdm.url}/api/v1/fleet/`, headers: {}, body: '' });
    expect([res.status, res.contentType, res.body]).toEqual([404, 'text/plain; charset=utf-8', '404 page not found\n']);
  });
});

describe("Fleet's host API", () => {
  const routes: [string, (id: string) => string, string][] = [
    ['GET /api/v1/fleet/hosts/:id', (id) => `/api/v1/fleet/hosts/${id}`, 'GET'],
    ['GET /api/v1/fleet/hosts/:id/device_mapping', (id) => `/api/v1/fleet/hosts/${id}/device_mapping`, 'GET'],
    ['DELETE /api/v1/fleet/hosts/:id', (id) => `/api/v1/fleet/hosts/${id}`, 'DELETE'],
  ];
  routes.forEach(([endpoint, pathFor, method], i) => {
    it(`${endpoint}: unknown ids and bad tokens get Fleet JSON (or the router's 404) and write nothing`, async () => {
      const token = fleetApiToken(fw.world.mdm.ctx);
      const real = (id: string) => pathFor(id === 'HOST' ? String(hostId) : id);
      const valid: WireRequest = { method, url: new URL(real('HOST'), fw.world.mdm.url).toString(), headers: { authorization: `Bearer ${token}` }, body: '' };
      await fuzzEndpoint({ endpoint, store, valid, mutant: apiMutant(real, token, true), shape: fleetJson({ plain404: true }), seed: 1413 + i });
      await stillServes(valid, fleetJson());
    });
  });

  // Found by the fuzzing: fastify's router refused a path parameter over 100 characters with its own 414 JSON before any
  // route ran; Fleet's router has no such limit, so the lab's router takes up to 16 KiB and the route answers.
  it("a 101-digit host id gets the router's plain 404 like any id no route takes", async () => {
    const token = fleetApiToken(fw.world.mdm.ctx);
    const res = await send({ method: 'GET', url: `${fw.world.mdm.url}/api/v1/fleet/hosts/${'9'.repeat(101)}`, headers: { authorization: `Bearer ${token}` }, body: '' });
    expect([res.status, res.body]).toEqual([404, '404 page not found\n']);
  });
});
