import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startEntra, postForm, get, ropcV1, verifyWithServedJwks, alice, BROKER, DRS_RESOURCE, type EntraFixture } from '../helpers/entra.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';

let f: EntraFixture;
beforeAll(async () => {
  f = await startEntra();
});
afterAll(async () => {
  await f.dispose();
});

const tokenUrl = (tenant: string, v2 = false) => `${f.entra.url}${ENTRA_PATHS.token(tenant, v2 ? '2.0' : '1.0')}`;

/** Run a request that must be refused and prove it wrote nothing. */
async function refusedWithoutWrites(send: () => Promise<{ status: number; json<T>(): T }>) {
  const before = f.entra.store.fileBytes();
  const r = await send();
  expect(f.entra.store.fileBytes().equals(before)).toBe(true);
  return { status: r.status, body: r.json<{ error: string; error_codes: number[]; error_description: string }>() };
}

describe('Entra tenant and OIDC metadata', () => {
  it('seeds a tenant with a GUID id, an onmicrosoft.com domain and a plain and an MFA user', () => {
    expect(f.entra.tenantId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(f.entra.tenantDomain).toBe('enrollscope.onmicrosoft.com');
    expect(f.entra.users.filter((u) => u.mfa)).toHaveLength(1);
    expect(f.entra.users.filter((u) => !u.mfa).length).toBeGreaterThanOrEqual(1);
    expect(f.entra.users.every((u) => u.upn.endsWith('@enrollscope.onmicrosoft.com'))).toBe(true);
  });

  for (const alias of ['id', 'domain', 'common', 'organizations'] as const) {
    it(`serves v1 and v2 openid-configuration for the tenant by ${alias}`, async () => {
      const seg = alias === 'id' ? f.entra.tenantId : alias === 'domain' ? f.entra.tenantDomain : alias;
      const v1 = (await get(f.lab, `${f.entra.url}${ENTRA_PATHS.openidConfiguration(seg)}`)).json<Record<string, string>>();
      const v2 = (await get(f.lab, `${f.entra.url}${ENTRA_PATHS.openidConfiguration(seg, '2.0')}`)).json<Record<string, string>>();
      expect(v1.issuer).toBe(`https://sts.windows.net/${f.entra.tenantId}/`);
      expect(v1.token_endpoint).toBe(`${f.entra.url}${ENTRA_PATHS.token(seg)}`);
      expect(v2.issuer).toBe(`https://login.microsoftonline.com/${f.entra.tenantId}/v2.0`);
      expect(v2.token_endpoint).toBe(`${f.entra.url}${ENTRA_PATHS.token(seg, '2.0')}`);
      expect(v2.device_authorization_endpoint).toBe(`${f.entra.url}${ENTRA_PATHS.deviceCode(seg, '2.0')}`);
    });
  }

  it('serves the same signing key at /common/discovery/v2.0/keys and /{tenant}/discovery/keys', async () => {
    const a = (await get(f.lab, f.entra.jwksUrl)).json<{ keys: { kid: string; n: string }[] }>();
    const b = (await get(f.lab, `${f.entra.url}${ENTRA_PATHS.keys(f.entra.tenantId)}`)).json<{ keys: { kid: string; n: string }[] }>();
    expect(a.keys[0]!.kid).toBe(b.keys[0]!.kid);
    expect(a.keys[0]!.n).toBe(b.keys[0]!.n);
  });

  it('answers AADSTS90002 for an unknown tenant', async () => {
    const r = await get(f.lab, `${f.entra.url}${ENTRA_PATHS.openidConfiguration('nosuch.onmicrosoft.com')}`);
    expect(r.status).toBe(400);
    expect(r.json<{ error_codes: number[] }>().error_codes).toEqual([90002]);
  });
});

describe('ROPC (entra-mde2.md §5.2)', () => {
  it('v1 for the DRS resource: a token that verifies with the served JWKS, aud urn:ms-drs, scp adrs_access', async () => {
    const r = await ropcV1(f, DRS_RESOURCE);
    expect(r.status).toBe(200);
    const body = r.json<Record<string, string>>();
    expect(body.token_type).toBe('Bearer');
    expect(body.resource).toBe(DRS_RESOURCE);
    expect(body.expires_in).toBe('3600');
    expect(body.refresh_token).toMatch(/^0\.A[\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = await verifyWithServedJwks(f, body.access_token!);
    expect(claims).toMatchObject({
      aud: DRS_RESOURCE,
      iss: `https://sts.windows.net/${f.entra.tenantId}/`,
      tid: f.entra.tenantId,
      upn: alice(f).upn,
      unique_name: alice(f).upn,
      scp: 'adrs_access',
      appid: BROKER,
      amr: ['pwd'],
      ver: '1.0',
    });
    expect(claims.deviceid).toBeUndefined();
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims.iat).toBe(f.lab.clock.seconds());
  });

  it('v1 for the MDM server URL with the broker client: aud is that URL, scp mdm_delegation', async () => {
    const mdm = `http://127.0.0.1:8443${MDM_PATHS.enrollEntryPoint}`;
    const r = await ropcV1(f, mdm);
    expect(r.status).toBe(200);
    const claims = await verifyWithServedJwks(f, r.json<{ access_token: string }>().access_token);
    expect(claims).toMatchObject({ aud: mdm, tid: f.entra.tenantId, upn: alice(f).upn, scp: 'mdm_delegation', appid: BROKER });
  });

  it('v2 with scope <first-party resource>/.default: a v1 token (aud the resource URI, iss sts.windows.net, upn, appid, idtyp), in a v2 reply', async () => {
    const r = await postForm(f.lab, tokenUrl(f.entra.tenantDomain, true), {
      client_id: BROKER,
      grant_type: 'password',
      username: alice(f).upn,
      password: alice(f).password,
      scope: 'openid profile offline_access https://enrollment.manage.microsoft.com//.default',
      client_info: '1',
    });
    expect(r.status).toBe(200);
    const body = r.json<Record<string, unknown>>();
    expect(body.expires_in).toBe(3600);
    expect(typeof body.refresh_token).toBe('string');
    expect(typeof body.id_token).toBe('string');
    const claims = await verifyWithServedJwks(f, body.access_token as string);
    // Intune enrollment is first-party: the token follows the resource, not the endpoint (entra-mde2.md corrections §1).
    expect(claims).toMatchObject({ aud: 'https://enrollment.manage.microsoft.com/', iss: `https://sts.windows.net/${f.entra.tenantId}/`, appid: BROKER, appidacr: '0', idtyp: 'user', upn: alice(f).upn, unique_name: alice(f).upn, amr: ['pwd'], scp: 'mdm_delegation', ver: '1.0' });
    expect(claims.azp).toBeUndefined();
    const info = JSON.parse(Buffer.from(body.client_info as string, 'base64url').toString()) as Record<string, string>;
    expect(info).toEqual({ uid: claims.oid, utid: f.entra.tenantId });
  });

  it('the timeline decodes the access token and verifies it with the registered Entra key', async () => {
    const r = await ropcV1(f, DRS_RESOURCE);
    const access = r.step.tokens.find((t) => t.raw === r.json<{ access_token: string }>().access_token);
    expect(access?.signature).toMatchObject({ verdict: 'valid', key: 'Entra token signing key' });
    expect(access?.time.verdict).toBe('valid');
  });

  it('a wrong password gets invalid_grant AADSTS50126 and writes nothing', async () => {
    const { status, body } = await refusedWithoutWrites(() =>
      postForm(f.lab, tokenUrl(f.entra.tenantId), { client_id: BROKER, grant_type: 'password', username: alice(f).upn, password: 'nope', resource: DRS_RESOURCE }),
    );
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_grant');
    expect(body.error_codes).toEqual([50126]);
    expect(body.error_description).toMatch(/^AADSTS50126: /);
  });

  it("an error description ends with Entra's Trace ID, Correlation ID and Timestamp lines, the ids of its fields", async () => {
    const r = await postForm(f.lab, tokenUrl(f.entra.tenantId), { client_id: BROKER, grant_type: 'password', username: alice(f).upn, password: 'nope', resource: DRS_RESOURCE });
    const body = r.json<{ error_description: string; trace_id: string; correlation_id: string; timestamp: string }>();
    expect(body.error_description.split('\r\n').slice(1)).toEqual([`Trace ID: ${body.trace_id}`, `Correlation ID: ${body.correlation_id}`, `Timestamp: ${body.timestamp}`]);
    expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
  });

  it('matches the token path in any case, as libhimmelblau writes it (/oAuth2/v2.0/token)', async () => {
    const path = new URL(tokenUrl(f.entra.tenantId)).pathname.replace('/oauth2/', '/oAuth2/');
    expect(path).toContain('/oAuth2/');
    const r = await postForm(f.lab, `${f.entra.url}${path}`, { client_id: BROKER, grant_type: 'password', username: alice(f).upn, password: 'nope', resource: DRS_RESOURCE });
    expect(r.status).toBe(400);
    expect(r.json<{ error_codes: number[] }>().error_codes).toEqual([50126]);
  });

  it('an unknown user gets AADSTS50034 and writes nothing', async () => {
    const { body } = await refusedWithoutWrites(() =>
      postForm(f.lab, tokenUrl('common'), { client_id: BROKER, grant_type: 'password', username: 'mallory@enrollscope.onmicrosoft.com', password: 'x', resource: DRS_RESOURCE }),
    );
    expect(body.error_codes).toEqual([50034]);
  });

  it('an unknown tenant gets AADSTS90002 and writes nothing', async () => {
    const { body } = await refusedWithoutWrites(() =>
      postForm(f.lab, tokenUrl('contoso.com'), { client_id: BROKER, grant_type: 'password', username: alice(f).upn, password: alice(f).password, resource: DRS_RESOURCE }),
    );
    expect(body.error).toBe('invalid_request');
    expect(body.error_codes).toEqual([90002]);
  });

  it('an unknown client gets unauthorized_client AADSTS700016 and writes nothing', async () => {
    const { body } = await refusedWithoutWrites(() =>
      postForm(f.lab, tokenUrl(f.entra.tenantId), { client_id: '11111111-2222-3333-4444-555555555555', grant_type: 'password', username: alice(f).upn, password: alice(f).password, resource: DRS_RESOURCE }),
    );
    expect(body.error).toBe('unauthorized_client');
    expect(body.error_codes).toEqual([700016]);
  });

  it('an unknown resource gets invalid_resource AADSTS500011 and writes nothing', async () => {
    const { body } = await refusedWithoutWrites(() =>
      postForm(f.lab, tokenUrl(f.entra.tenantId), { client_id: BROKER, grant_type: 'password', username: alice(f).upn, password: alice(f).password, resource: 'urn:no-such-resource' }),
    );
    expect(body.error).toBe('invalid_resource');
    expect(body.error_codes).toEqual([500011]);
  });

  it('a missing grant_type gets invalid_request AADSTS900144', async () => {
    const { body } = await refusedWithoutWrites(() => postForm(f.lab, tokenUrl(f.entra.tenantId), { client_id: BROKER }));
    expect(body.error_codes).toEqual([900144]);
  });
});

describe('refresh token redemption (entra-mde2.md §5.4)', () => {
  it('one refresh token is redeemed for another resource, keeping the user and amr', async () => {
    const first = (await ropcV1(f, 'https://enrollment.manage.microsoft.com/')).json<{ refresh_token: string }>();
    const r = await postForm(f.lab, tokenUrl(f.entra.tenantId, true), {
      client_id: BROKER,
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      scope: 'openid profile offline_access 01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9/.default',
    });
    expect(r.status).toBe(200);
    const claims = await verifyWithServedJwks(f, r.json<{ access_token: string }>().access_token);
    expect(claims).toMatchObject({ aud: 'urn:ms-drs:enterpriseregistration.windows.net', scp: 'adrs_access', upn: alice(f).upn, amr: ['pwd'], ver: '1.0' });
  });

  it('an expired refresh token gets AADSTS700082 and writes nothing', async () => {
    const { lab, entra, dispose } = await startEntra('entra-tests-rt-expiry');
    try {
      const rt = (await postForm(lab, `${entra.url}${ENTRA_PATHS.token('common')}`, { client_id: BROKER, grant_type: 'password', username: entra.users[0]!.upn, password: entra.users[0]!.password, resource: DRS_RESOURCE })).json<{
        refresh_token: string;
      }>().refresh_token;
      lab.clock.advance(91 * 24 * 3600_000);
      const before = entra.store.fileBytes();
      const r = await postForm(lab, `${entra.url}${ENTRA_PATHS.token('common')}`, { client_id: BROKER, grant_type: 'refresh_token', refresh_token: rt, resource: DRS_RESOURCE });
      expect(r.json<{ error_codes: number[] }>().error_codes).toEqual([700082]);
      expect(entra.store.fileBytes().equals(before)).toBe(true);
    } finally {
      await dispose();
    }
  });
});
