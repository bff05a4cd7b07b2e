import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startEntra, postForm, ropcV1, verifyWithServedJwks, alice, join, requestPrt, srvChallenge, passwordPrtPayload, BROKER, DRS_RESOURCE, type EntraFixture } from '../helpers/entra.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';
import type { PrtResponse } from '../../emulators/protocols/oauth.js';

let f: EntraFixture;
beforeAll(async () => {
  f = await startEntra('entra-token-shape');
});
afterAll(async () => {
  await f.dispose();
});

async function v2(scope: string): Promise<Record<string, unknown>> {
  const r = await postForm(f.lab, `${f.entra.url}${ENTRA_PATHS.token(f.entra.tenantId, '2.0')}`, { client_id: BROKER, grant_type: 'password', username: alice(f).upn, password: alice(f).password, scope: `openid ${scope}` });
  expect(r.status, r.text()).toBe(200);
  return (await verifyWithServedJwks(f, r.json<{ access_token: string }>().access_token)) as Record<string, unknown>;
}

async function v1(resource: string): Promise<Record<string, unknown>> {
  const r = await ropcV1(f, resource);
  expect(r.status, r.text()).toBe(200);
  return (await verifyWithServedJwks(f, r.json<{ access_token: string }>().access_token)) as Record<string, unknown>;
}

const FIRST_PARTY: [string, string][] = [
  ['DRS', DRS_RESOURCE],
  ['Intune enrollment', 'https://enrollment.manage.microsoft.com/'],
  ['Microsoft Graph', 'https://graph.microsoft.com'],
  ['AAD Graph', 'https://graph.windows.net'],
  ['Intune', 'https://manage.microsoft.com'],
];

describe('token shape follows the resource, not the endpoint (entra-mde2.md corrections §1)', () => {
  for (const [name, resource] of FIRST_PARTY) {
    for (const endpoint of ['v1', 'v2'] as const) {
      it(`${name} from the ${endpoint} endpoint: a v1 token (aud the resource URI, sts.windows.net, upn, unique_name, appid, idtyp, amr)`, async () => {
        const claims = endpoint === 'v1' ? await v1(resource) : await v2(`${resource}/.default`);
        expect(claims).toMatchObject({
          aud: resource,
          iss: `https://sts.windows.net/${f.entra.tenantId}/`,
          upn: alice(f).upn,
          unique_name: alice(f).upn,
          appid: BROKER,
          appidacr: '0',
          idtyp: 'user',
          amr: ['pwd'],
          ver: '1.0',
        });
        expect(claims.azp).toBeUndefined();
        expect(claims.preferred_username).toBeUndefined();
      });
    }
  }

  it('the tenant\'s MDM app (a default manifest) asked by app id through v2: v1, aud the app id that Fleet\'s windows_entra_client_ids lists', async () => {
    const claims = await v2(`${f.entra.mdmAppId}/.default`);
    expect(claims).toMatchObject({ aud: f.entra.mdmAppId, iss: `https://sts.windows.net/${f.entra.tenantId}/`, upn: alice(f).upn, scp: 'mdm_delegation', ver: '1.0' });
  });

  it('the MDM server URL through v1: aud the URL (Fleet checks its host:port)', async () => {
    const claims = await v1('http://127.0.0.1:8443/');
    expect(claims).toMatchObject({ aud: 'http://127.0.0.1:8443/', upn: alice(f).upn, ver: '1.0' });
  });

  describe('an app registered as accepting v2 tokens (accessTokenAcceptedVersion 2)', () => {
    const appId = '6a1f0e2c-5b7d-4c3e-9f80-1d2e3f405162';
    beforeAll(() => {
      f.entra.store.tx((db) =>
        db.prepare(`INSERT INTO applications(app_id, display_name, public_client, identifier_uris, scp, access_token_version) VALUES (?, 'Lab v2 API', 0, ?, 'access_as_user', 2)`).run(appId, JSON.stringify(['api://lab-v2-api'])),
      );
    });

    for (const endpoint of ['v1', 'v2'] as const) {
      it(`from the ${endpoint} endpoint: a v2 token (aud the app id, login.microsoftonline.com/v2.0, azp, preferred_username)`, async () => {
        const claims = endpoint === 'v1' ? await v1('api://lab-v2-api') : await v2('api://lab-v2-api/.default');
        expect(claims).toMatchObject({ aud: appId, iss: `https://login.microsoftonline.com/${f.entra.tenantId}/v2.0`, azp: BROKER, preferred_username: alice(f).upn, idtyp: 'user', scp: 'access_as_user', ver: '2.0' });
        expect(claims.upn).toBeUndefined();
        expect(claims.appid).toBeUndefined();
      });
    }
  });
});

describe('the PRT reply\'s id_token (entra-mde2.md corrections §5)', () => {
  it('carries preferred_username beside upn and unique_name', async () => {
    const device = await join(f);
    const r = await requestPrt(f, device, passwordPrtPayload(f, await srvChallenge(f)));
    expect(r.status).toBe(200);
    const id = JSON.parse(Buffer.from(r.json<PrtResponse>().id_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(id).toMatchObject({ preferred_username: alice(f).upn, upn: alice(f).upn, unique_name: alice(f).upn, ver: '1.0' });
  });
});
