import { X509Certificate } from 'node:crypto';
import { decodeJwt } from 'jose';
import { CLIENT_IDS, GRANT_TYPES, RESOURCES, formBody, type TokenResponse } from '../../protocols/oauth.js';
import { JOIN_CSR_CN, type DrsDiscovery, type DrsJoinRequest, type DrsJoinResponse } from '../../protocols/drs.js';
import { thumbprint } from '../../protocols/x509.js';
import { ENTRA_PATHS } from '../../protocols/paths/entra.js';
import { OID_SHA256_RSA } from '../tpm/csr.js';
import { expectJson, send, type DeviceContext } from '../context.js';
import type { JoinState } from '../state.js';
import { spkiDer } from '../../protocols/rsa-key-der.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Windows' dsreg identifies itself so to DRS (entra-mde2.md §2.1). */
export function dsregHeaders(osVersion: string, bearer?: string): Record<string, string> {
  return {
    'user-agent': `Dsreg/10.0 (Windows ${osVersion})`,
    'ocp-adrs-client-name': 'Dsreg',
    'ocp-adrs-client-version': '10.0.18362.0',
    accept: 'application/json',
    ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
  };
}

/**
 * The DRS token the sign-in already brought: Windows' OOBE web sign-in redeems its code for the DRS resource
 * (web-signin.ts, redirect ms-aadj-redir://auth/drs), so the join uses that token while it is valid.
 */
function usableDrsToken(ctx: DeviceContext, accessToken: string): string | null {
  try {
    const c = decodeJwt(accessToken);
    const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
    const forDrs = aud.some((a) => a === RESOURCES.drs || a === RESOURCES.drsAppId);
    return forDrs && typeof c.exp === 'number' && c.exp * 1000 > ctx.lab.clock.now() + 60_000 ? accessToken : null;
  } catch {
    return null;
  }
}

/** Otherwise (a device-code sign-in for another resource) the refresh token is redeemed for DRS (RFC 6749 §6). */
async function refreshForDrs(ctx: DeviceContext, tenantId: string, refreshToken: string): Promise<string> {
  const res = await send(ctx, {
    title: 'Refresh token → DRS access token',
    catalogId: 'entra.token.refresh',
    url: `${ctx.entraUrl}${ENTRA_PATHS.token(tenantId, '2.0')}`,
    headers: FORM,
    body: formBody({ grant_type: GRANT_TYPES.refreshToken, client_id: CLIENT_IDS.authBroker, refresh_token: refreshToken, scope: `${RESOURCES.drsAppId}/.default openid profile offline_access`, client_info: '1' }),
  });
  return expectJson<TokenResponse>(res, 'DRS token').access_token;
}

/**
 * Entra join (entra-mde2.md §2–§4, §11.1 steps 2–5): the DRS token of the sign-in (or one redeemed now), discover the join
 * endpoint, have the TPM make the device key (CSR CN=7E980AD9-…) and the transport key (BCRYPT_RSAKEY_BLOB), join,
 * and keep the device certificate issued by MS-Organization-Access in My/System, bound to the TPM key.
 */
export async function drsJoin(ctx: DeviceContext): Promise<JoinState> {
  const signIn = ctx.state.require('signIn', 'the user must sign in first (device.oobeSignIn())');
  const hw = ctx.state.require('hardware', 'no hardware');
  if (!ctx.entraUrl) throw new Error('the device has no Entra URL');
  const drsBase = ctx.drsUrl ?? ctx.entraUrl;

  const drsToken = usableDrsToken(ctx, signIn.accessToken) ?? (await refreshForDrs(ctx, signIn.tenantId, signIn.refreshToken));

  const discovery = expectJson<DrsDiscovery>(
    await send(ctx, { catalogId: 'drs.discover', url: `${drsBase}${ENTRA_PATHS.drsDiscover(signIn.tenantId)}?api-version=1.9`, headers: dsregHeaders(hw.osVersion, drsToken) }),
    'DRS discovery',
  );
  const join = discovery.DeviceJoinService;
  if (!join?.JoinEndpoint) throw new Error('DRS discovery has no DeviceJoinService.JoinEndpoint');

  const deviceKey = await ctx.tpm.createKey('device');
  const transportKey = await ctx.tpm.createKey('transport');
  const csr = await ctx.tpm.createCsr(deviceKey.handle, { subjectCn: JOIN_CSR_CN, signatureOid: OID_SHA256_RSA });
  const transportBlob = await ctx.tpm.exportPublic(transportKey.handle, 'bcrypt');
  const body: DrsJoinRequest = {
    CertificateRequest: { Type: 'pkcs10', Data: csr.toString('base64') },
    TransportKey: transportBlob.toString('base64'),
    TargetDomain: signIn.upn.split('@')[1] ?? '',
    DeviceType: 'Windows',
    OSVersion: hw.osVersion,
    DeviceDisplayName: hw.deviceName,
    JoinType: 0,
    Attributes: { ReuseDevice: 'true', ReturnClientSid: 'true', SharedDevice: 'false' },
  };
  const sep = join.JoinEndpoint.includes('?') ? '&' : '?';
  const joined = expectJson<DrsJoinResponse>(
    await send(ctx, {
      title: 'DRS join (CSR + transport key)',
      catalogId: 'drs.join',
      url: `${join.JoinEndpoint}${sep}api-version=${join.ServiceVersion || '2.0'}`,
      headers: { ...dsregHeaders(hw.osVersion, drsToken), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    'DRS join',
  );
  const der = Buffer.from(joined.Certificate?.RawBody ?? '', 'base64');
  if (der.length === 0) throw new Error('DRS join: the reply has no Certificate.RawBody');

  return ctx.lab.local({ party: 'device', catalogId: 'device.dsreg.store-cert' }, () => {
    const cert = new X509Certificate(der);
    // ms_device_enrolment_finalise: the certificate must carry the key the TPM made the CSR with.
    if (!spkiDer(cert.publicKey).equals(deviceKey.spki)) throw new Error('the device certificate does not carry the device key');
    const deviceId = /CN=([^,\n]+)/.exec(cert.subject)?.[1]?.trim() ?? '';
    const state: JoinState = {
      deviceId,
      tenantId: signIn.tenantId,
      deviceCertB64: der.toString('base64'),
      deviceKeyHandle: deviceKey.handle,
      transportKeyHandle: transportKey.handle,
      tokenEndpoint: discovery.AuthenticationService?.OAuth2?.TokenEndpoint ?? `${ctx.entraUrl}${ENTRA_PATHS.token(signIn.tenantId)}`,
    };
    ctx.store.tx((db) => {
      db.prepare(
        `INSERT INTO certificates(store, thumbprint, subject, issuer, der, key_handle) VALUES ('My/System', ?, ?, ?, ?, ?)
         ON CONFLICT(store, thumbprint) DO UPDATE SET der = excluded.der, key_handle = excluded.key_handle`,
      ).run(thumbprint(der), cert.subject, cert.issuer, der, deviceKey.handle);
      ctx.state.set(db, 'join', state);
    });
    return state;
  }, (s) => ({ deviceId: s.deviceId }));
}
