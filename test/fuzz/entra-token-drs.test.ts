import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fuzzWorld, send, type FuzzWorld, type WireRequest } from './helpers/world.js';
import { fuzzEndpoint, stillServes } from './helpers/fuzz.js';
import { derMutant, formMutant, jsonMutant, jwtMutant, mutant, nastyString, queryMutant, withContentType, type Mutant } from './helpers/mutate.js';
import { drs, oauth } from './helpers/shapes.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';
import type { Store } from '../../emulators/lab/store.js';

/**
 * Entra's token endpoint (auth code, srv_challenge, the PRT request and the session-key exchange), the device code
 * endpoint and DRS (discover, join, key provisioning) under fuzzing: 1,000 mutants each of what the device sent in
 * the hello-signin scenario. Every answer is an OAuth error (AADSTS) or DRS's JSON error, no refusal writes, and a
 * valid request still succeeds afterwards.
 */

let fw: FuzzWorld;
let store: Store;
beforeAll(async () => {
  fw = await fuzzWorld('fuzz-entra', 'hello-signin');
  store = fw.world.entra.ctx.store;
});
afterAll(async () => fw?.close());

/** A valid srv_challenge: the one token request that succeeds however often it is sent (a fresh nonce each time). */
const nonceRequest = () => fw.captured('prt.nonce');

/** A header JWT (`Authorization: Bearer …`) tampered, or the header itself broken. */
function bearerMutant(valid: WireRequest): fc.Arbitrary<Mutant> {
  const jwt = (valid.headers.authorization ?? '').replace(/^Bearer /, '');
  return fc.oneof(
    // A header is printable latin1 and under Node's 16 KiB limit (over it, Node answers 431 before any route).
    jwtMutant(jwt).map(({ label, jwt: j }) => mutant(`bearer ${label}`, valid.body, true, { headers: { authorization: `Bearer ${j.replace(/[^\x21-\x7e]/g, '').slice(0, 8000)}` } })),
    fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic Zm9vOmJhcg==', `bearer${jwt}`).map((h) => mutant(`authorization=${h.slice(0, 20)}`, valid.body, true, { headers: { authorization: h } })),
  );
}

/** The bytes of a base64 value inside a JSON body: flipped, cut, extended, not base64 (bad CSRs, bad BCRYPT blobs). */
function jsonBytesMutant(body: string, value: string, label: string, signed: boolean): fc.Arbitrary<Mutant> {
  const at = body.indexOf(value);
  // JSON escapes '/' nowhere here (JSON.stringify keeps it), so the value's text is its base64.
  return derMutant(body, at, at + value.length, label, signed);
}

describe('token endpoint', () => {
  const cases: [string, string, number, string[]][] = [
    ['entra.token.auth-code', 'authorization_code', 1420, []],
    ['prt.nonce', 'srv_challenge', 1421, []],
    ['prt.request', 'PRT request (RS256 device JWT)', 1422, ['request']],
    ['prt.exchange', 'PRT session-key exchange (HS256 ctx JWT)', 1423, ['request']],
  ];
  for (const [catalogId, what, seed, jwtParams] of cases) {
    it(`${what}: mutated forms and tampered JWTs get an AADSTS OAuth error and write nothing`, async () => {
      const valid = fw.captured(catalogId);
      const path = new URL(valid.url).pathname;
      await fuzzEndpoint({ endpoint: `POST ${path.replace(/^\/[^/]+/, '/{tenant}')} (${what})`, store, valid, mutant: withContentType(formMutant(valid.body, { jwtParams })), shape: oauth, seed });
      await stillServes({ ...nonceRequest(), url: valid.url }, oauth);
    });
  }

  it('an unknown or malformed tenant in the path gets AADSTS90002 or another OAuth error', async () => {
    const valid = nonceRequest();
    const tenantMutant = nastyString.map((t) => mutant(`tenant ${t.slice(0, 20)}`, valid.body, false, { path: `/${encodeURIComponent(t.replace(/[\uD800-\uDFFF]/g, '?').slice(0, 90)) || 'x'}/oauth2/token` }));
    await fuzzEndpoint({ endpoint: 'POST /{tenant}/oauth2/token (tenant)', store, valid, mutant: tenantMutant, shape: oauth, seed: 1424 });
    await stillServes(valid, oauth);
  });
});

describe('device code endpoint', () => {
  it('mutated device authorization requests get a device code or an OAuth error, and refusals write nothing', async () => {
    const tenant = fw.world.entra.tenantId;
    const valid: WireRequest = {
      method: 'POST',
      url: new URL(ENTRA_PATHS.deviceCode(tenant), fw.world.entra.url).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: '29d9ed98-a469-4536-ade2-f981bc1d605e', resource: 'https://graph.microsoft.com', scope: 'openid' }).toString(),
    };
    await stillServes(valid, oauth);
    await fuzzEndpoint({ endpoint: 'POST /{tenant}/oauth2/devicecode', store, valid, mutant: withContentType(formMutant(valid.body)), shape: oauth, seed: 1425 });
    await stillServes(valid, oauth);
  });
});

describe('DRS', () => {
  it('discover: junk queries get the DRS document or a DRS error, and write nothing', async () => {
    const valid = fw.captured('drs.discover');
    const path = new URL(valid.url).pathname;
    await fuzzEndpoint({ endpoint: 'GET /{tenant}/Discover', store, valid, mutant: queryMutant(path), shape: drs, seed: 1426 });
    await stillServes(valid, drs);
  });

  it('join: mutated bodies, bad CSRs, bad BCRYPT transport keys and tampered bearer tokens get a DRS error and write nothing', async () => {
    const valid = fw.captured('drs.join');
    const doc = JSON.parse(valid.body) as { CertificateRequest: { Data: string }; TransportKey: string };
    const mutants = fc.oneof(
      { weight: 3, arbitrary: withContentType(jsonMutant(valid.body, { b64Fields: ['CertificateRequest.Data', 'TransportKey'] })) },
      { weight: 1, arbitrary: jsonBytesMutant(valid.body, doc.CertificateRequest.Data, 'csr', true) },
      { weight: 1, arbitrary: jsonBytesMutant(valid.body, doc.TransportKey, 'bcrypt', false) },
      { weight: 1, arbitrary: bearerMutant(valid) },
    );
    await fuzzEndpoint({ endpoint: 'POST /EnrollmentServer/device/ (join)', store, valid, mutant: mutants, shape: drs, seed: 1427 });
    const res = await stillServes(valid, drs);
    expect(JSON.parse(res.body)).toHaveProperty('Certificate');
  });

  it('key provisioning: mutated NGC keys and tampered bearer tokens get a DRS error and write nothing', async () => {
    const valid = fw.captured('drs.key-provision');
    const key = (JSON.parse(valid.body) as { kngc?: string }).kngc ?? '';
    const mutants = fc.oneof(
      { weight: 3, arbitrary: withContentType(jsonMutant(valid.body, { b64Fields: ['kngc'] })) },
      ...(key ? [{ weight: 1, arbitrary: jsonBytesMutant(valid.body, key, 'kngc', false) }] : []),
      { weight: 1, arbitrary: bearerMutant(valid) },
    );
    await fuzzEndpoint({ endpoint: 'POST /EnrollmentServer/key/', store, valid, mutant: mutants, shape: drs, seed: 1428 });
    // The device's key is registered once (error_key_exists on a replay): DRS still answers its discovery.
    await stillServes(fw.captured('drs.discover'), drs);
  });
});

describe('defects the fuzzing found, pinned', () => {
  it('a join CSR whose outer DER length is wrong gets invalid_csr (asn1js alone read past it and issued a certificate)', async () => {
    const valid = fw.captured('drs.join');
    const doc = JSON.parse(valid.body) as { CertificateRequest: { Data: string } };
    const der = Buffer.from(doc.CertificateRequest.Data, 'base64');
    der[3] = der[3]! ^ 0x73;
    const before = store.fileBytes();
    const res = await send({ ...valid, body: valid.body.replace(doc.CertificateRequest.Data, der.toString('base64')) });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).Message).toMatch(/^invalid_csr: /);
    expect(store.fileBytes().equals(before)).toBe(true);
  });

  it('a body over 256 KiB gets an AADSTS error (DRS paths: the DRS error), not fastify\'s 413 JSON', async () => {
    const valid = nonceRequest();
    const res = await send({ ...valid, body: `${valid.body}&x=${'a'.repeat(300 * 1024)}` });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error_codes).toEqual([9002313]);
  });

  it('a join without JoinType names it missing, not "undefined"', async () => {
    const valid = fw.captured('drs.join');
    const body = JSON.parse(valid.body) as Record<string, unknown>;
    delete body.JoinType;
    const res = await send({ ...valid, body: JSON.stringify(body) });
    expect(JSON.parse(res.body).Message).toBe('invalid_join_type: JoinType (missing) is not one of 0, 3, 4, 6, 8.');
  });
});
