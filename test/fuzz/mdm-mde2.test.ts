import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fuzzWorld, send, type FuzzWorld, type WireRequest } from './helpers/world.js';
import { fuzzEndpoint, stillServes } from './helpers/fuzz.js';
import { base64JwtMutant, derMutant, queryMutant, withContentType, xmlMutant } from './helpers/mutate.js';
import { page, soap } from './helpers/shapes.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';
import type { Store } from '../../emulators/lab/store.js';

/**
 * MS-MDE2 enrollment under fuzzing: discovery (the well-known entry point and Fleet's path), MS-XCEP GetPolicies
 * and MS-WSTEP RequestSecurityToken, each fed 1,000 mutants of the request the virtual device sent. Every answer is
 * a SOAP message or fault (or Fleet's 400/413 JSON for a body it cannot decode), no refusal writes, and the valid
 * request still succeeds afterwards.
 */

let fw: FuzzWorld;
let store: Store;
beforeAll(async () => {
  fw = await fuzzWorld('fuzz-mde2');
  store = fw.world.mdm.ctx.store;
});
afterAll(async () => fw?.close());

const onPath = (req: WireRequest, path: string): WireRequest => ({ ...req, url: new URL(path, req.url).toString() });

describe('MS-MDE2 discovery', () => {
  it('GET /EnrollmentServer/Discovery.svc with junk queries answers 200 or a 4xx, never a 5xx, and writes nothing', async () => {
    const valid = fw.captured('mde2.discovery-probe');
    await fuzzEndpoint({ endpoint: 'GET /EnrollmentServer/Discovery.svc', store, valid, mutant: queryMutant(MDM_PATHS.enrollEntryPoint), shape: page, seed: 1401 });
    const res = await send(valid);
    expect([res.status, res.body]).toEqual([200, '']);
  });

  for (const path of [MDM_PATHS.enrollEntryPoint, MDM_PATHS.discovery]) {
    it(`POST ${path}: mutated Discover messages get a DiscoverResponse or a SOAP fault and write nothing`, async () => {
      const valid = onPath(fw.captured('mde2.discover'), path);
      await fuzzEndpoint({ endpoint: `POST ${path} (Discover)`, store, valid, mutant: withContentType(xmlMutant(valid.body)), shape: soap, seed: path === MDM_PATHS.discovery ? 1402 : 1403 });
      const res = await stillServes(valid, soap);
      expect(res.body).toContain('DiscoverResponse');
    });
  }
});

describe('MS-XCEP GetPolicies', () => {
  it('mutated GetPolicies messages and tampered header tokens get a SOAP fault or the policy, and write nothing', async () => {
    const valid = fw.captured('mde2.get-policies');
    const mutant = fc.oneof({ weight: 3, arbitrary: withContentType(xmlMutant(valid.body)) }, { weight: 1, arbitrary: base64JwtMutant(valid.body, '<wsse:BinarySecurityToken') });
    await fuzzEndpoint({ endpoint: 'POST /api/mdm/microsoft/policy (GetPolicies)', store, valid, mutant, shape: soap, seed: 1404 });
    const res = await stillServes(valid, soap);
    expect(res.body).toContain('GetPoliciesResponse');
  });
});

describe('MS-WSTEP RequestSecurityToken', () => {
  it('mutated RSTs, tampered tokens and bad CSRs get a SOAP fault (or, still valid, an enrollment put back), and refusals write nothing', async () => {
    const valid = fw.captured('mde2.rst');
    const body = valid.body;
    // The CSR: the second BinarySecurityToken (the first is the header's token).
    const csrTag = body.indexOf('<wsse:BinarySecurityToken', body.indexOf('<wst:RequestSecurityToken'));
    const csrStart = body.indexOf('>', csrTag) + 1;
    const csrEnd = body.indexOf('<', csrStart);
    const mutant = fc.oneof(
      { weight: 3, arbitrary: withContentType(xmlMutant(body)) },
      { weight: 1, arbitrary: base64JwtMutant(body, '<wsse:BinarySecurityToken') },
      { weight: 1, arbitrary: derMutant(body, csrStart, csrEnd, 'csr') },
    );
    await fuzzEndpoint({ endpoint: 'POST /api/mdm/microsoft/enroll (RST)', store, valid, mutant, shape: soap, seed: 1405 });
    const res = await stillServes(valid, soap);
    expect(res.body).toContain('RequestSecurityTokenResponseCollection');
  });
});

describe('defects the fuzzing found, pinned', () => {
  it('a Content-Type fastify cannot parse ("", ";;;") gets the route\'s SOAP answer, not fastify\'s 415 JSON', async () => {
    const valid = fw.captured('mde2.discover');
    for (const ct of ['', ';;;']) {
      const res = await send({ ...valid, headers: { ...valid.headers, 'content-type': ct } });
      expect(res.status).toBe(200);
      expect(res.body).toContain('DiscoverResponse');
    }
  });

  it("a body over 2 MiB on a SOAP route gets Fleet's 413 JSON (the management route's answer), not fastify's", async () => {
    const before = store.fileBytes();
    const valid = fw.captured('mde2.rst');
    const res = await send({ ...valid, body: valid.body + ' '.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ message: 'request body too large', errors: [{ name: 'base', reason: 'request body too large' }] });
    expect(store.fileBytes().equals(before)).toBe(true);
  });
});
