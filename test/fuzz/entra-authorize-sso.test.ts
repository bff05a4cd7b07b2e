import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fuzzWorld, send, type FuzzWorld, type WireRequest } from './helpers/world.js';
import { fuzzEndpoint, stillServes } from './helpers/fuzz.js';
import { formMutant, jsonMutant, mutant, nastyString, queryMutant, uriEncode, withContentType, type Mutant } from './helpers/mutate.js';
import { fleetJson, page, type Shape } from './helpers/shapes.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';
import type { Store } from '../../emulators/lab/store.js';

/**
 * The browser-facing endpoints under fuzzing: Entra's authorize and its login pages (GetCredentialType, the
 * credential post) and Fleet's SSO pages (the page orbit opens, the start, the IdP stand-in, the callback). 1,000
 * inputs each; every answer is a page, a redirect or a 4xx (never a 5xx or a leak), and no refusal writes.
 */

let fw: FuzzWorld;
let entra: Store;
let mdm: Store;
beforeAll(async () => {
  fw = await fuzzWorld('fuzz-authorize');
  entra = fw.world.entra.ctx.store;
  mdm = fw.world.mdm.ctx.store;
});
afterAll(async () => fw?.close());

/** The authorize URL's parameters mutated one at a time: dropped, doubled, replaced by junk. */
function authorizeQueryMutant(valid: WireRequest): fc.Arbitrary<Mutant> {
  const url = new URL(valid.url);
  const params = [...url.searchParams.entries()];
  const names = params.map(([k]) => k);
  const withParams = (ps: [string, string][], label: string) => mutant(label, '', false, { path: `${url.pathname}?${ps.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&')}` });
  return fc.oneof(
    fc.constantFrom(...names).map((n) => withParams(params.filter(([k]) => k !== n), `drop ${n}`)),
    fc.tuple(fc.constantFrom(...names), nastyString).map(([n, v]) => withParams(params.map(([k, x]) => [k, k === n ? v.slice(0, 2000) : x]), `${n}=${v.slice(0, 20)}`)),
    fc.tuple(fc.constantFrom(...names), nastyString).map(([n, v]) => withParams([...params, [n, v.slice(0, 2000)]], `dup ${n}`)),
    queryMutant(url.pathname),
  );
}

/** Pages and their redirects; Fleet's SSO start answers JSON errors (422/403) too. */
const pageOrFleet: Shape = (res) => (/json/.test(res.contentType) ? fleetJson()(res) : page(res));

describe('Entra authorize and login pages', () => {
  it('GET /{tenant}/oauth2/authorize: mutated parameters get the login page, an error page or an error redirect', async () => {
    const valid = fw.captured('entra.authorize');
    await fuzzEndpoint({ endpoint: 'GET /{tenant}/oauth2/authorize', store: entra, valid, mutant: authorizeQueryMutant(valid), shape: page, seed: 1430 });
    await stillServes(valid, page);
  });

  it('POST /common/GetCredentialType: mutated JSON gets the credential-type answer or a 4xx', async () => {
    const valid = fw.captured('entra.login.credential-type');
    await fuzzEndpoint({ endpoint: 'POST /{tenant}/GetCredentialType', store: entra, valid, mutant: withContentType(jsonMutant(valid.body)), shape: page, seed: 1431 });
    // Its flowToken belongs to a flow the scenario finished (AADSTS90100 on a replay): the login pages still open.
    await stillServes(fw.captured('entra.authorize'), page);
  });

  it('POST /{tenant}/login: mutated credential posts (flowToken, ctx, canary) get a page or a 4xx and write nothing', async () => {
    const valid = fw.captured('entra.login.credentials');
    await fuzzEndpoint({ endpoint: 'POST /{tenant}/login', store: entra, valid, mutant: withContentType(formMutant(valid.body)), shape: page, seed: 1432 });
    await stillServes(fw.captured('entra.authorize'), page);
  });
});

describe("Fleet's SSO pages", () => {
  const mdmUrl = (path: string) => new URL(path, fw.world.mdm.url).toString();

  it('GET /mdm/sso: junk queries get the page', async () => {
    const valid: WireRequest = { method: 'GET', url: mdmUrl(`${MDM_PATHS.ssoPage}?host_uuid=x&initiator=setup_experience`), headers: {}, body: '' };
    await fuzzEndpoint({ endpoint: 'GET /mdm/sso', store: mdm, valid, mutant: queryMutant(MDM_PATHS.ssoPage), shape: page, seed: 1433 });
    await stillServes(valid, page);
  });

  it('POST /api/latest/fleet/mdm/sso: mutated starts get 422/403 Fleet JSON (no pending prompt) and write nothing', async () => {
    const hostUuid = mdm.read((db) => db.prepare(`SELECT uuid FROM hosts ORDER BY id LIMIT 1`).pluck().get() as string);
    const valid: WireRequest = { method: 'POST', url: mdmUrl(MDM_PATHS.ssoStart), headers: { 'content-type': 'application/json' }, body: JSON.stringify({ initiator: 'setup_experience', host_uuid: hostUuid }) };
    await fuzzEndpoint({ endpoint: 'POST /api/latest/fleet/mdm/sso', store: mdm, valid, mutant: withContentType(fc.oneof(jsonMutant(valid.body), formMutant(new URLSearchParams({ initiator: 'setup_experience', host_uuid: hostUuid }).toString()))), shape: pageOrFleet, seed: 1434 });
  });

  it('GET /mdm/sso/idp and POST /api/v1/fleet/mdm/sso/callback: unknown RelayStates get the expired page and write nothing', async () => {
    const idp: WireRequest = { method: 'GET', url: mdmUrl(`${MDM_PATHS.ssoIdpPage}?RelayState=0123`), headers: {}, body: '' };
    await fuzzEndpoint({ endpoint: 'GET /mdm/sso/idp', store: mdm, valid: idp, mutant: queryMutant(MDM_PATHS.ssoIdpPage), shape: page, seed: 1435 });
    const callback: WireRequest = { method: 'POST', url: mdmUrl(MDM_PATHS.ssoCallback), headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'RelayState=0123&username=alice%40enrollscope.onmicrosoft.com&password=x' };
    await fuzzEndpoint({ endpoint: 'POST /api/v1/fleet/mdm/sso/callback', store: mdm, valid: callback, mutant: withContentType(formMutant(callback.body)), shape: page, seed: 1436 });
  });
});

describe('defects the fuzzing found, pinned', () => {
  it('authorize with a parameter given twice gets an AADSTS error page, not a 500', async () => {
    const valid = fw.captured('entra.authorize');
    const res = await send({ ...valid, url: `${valid.url}&resource=https%3A%2F%2Fgraph.microsoft.com` });
    expect(res.status).toBeLessThan(500);
    expect(res.body).toMatch(/AADSTS9002313/);
  });
});
