import type { FastifyInstance } from 'fastify';
import type { Lab } from '../lab/lab.js';
import type { Store } from '../lab/store.js';
import { listenLoopback } from '../lab/server.js';
import { ENTRA_SCHEMA, ENTRA_UNLOGGED } from './schema.js';
import { createEntraContext, type EntraContext } from './context.js';
import { DEFAULT_USERS, getTenant, listUsers, mdmAppId, seedDirectory, type LabUserSeed } from './directory.js';
import { ensureKeys, type EntraKey } from './keys.js';
import { configureOnPremRealm } from './prt/tgt.js';
import { registerDeviceCodeEndpoint, registerOidcMetadata, registerTokenEndpoint } from './routes.js';
import { registerDeviceLogin } from './devicelogin.js';
import { registerDrs } from './drs/routes.js';
import { registerAuthorize } from './authorize/routes.js';
import { seedRedirectUris } from './authorize/redirect-uris.js';
import { registerDrsRegistration } from './drs/registration.js';
import { registerLogout } from './logout.js';
import { registerUserInfo } from './userinfo.js';
import { registerWsFed } from './wsfed.js';
import { registerPostOnlyVerbs } from './oidc.js';
import { ENTRA_PATHS } from '../protocols/paths/entra.js';
import { registerFrameworkErrors } from './framework-errors.js';
import { pendingMfaRequests } from './mfa.js';
import { pendingDeviceCodes } from './device-code.js';
import * as actions from './user-actions.js';

export type { LabUserSeed } from './directory.js';

export interface EntraServerOptions {
  lab: Lab;
  port?: number;
  tenant?: { id?: string; domain?: string; displayName?: string; /** Cloud Kerberos Trust: the AD realm PRT replies carry a tgt_ad for. */ onPremRealm?: string };
  users?: LabUserSeed[];
}

export interface EntraServer {
  url: string;
  tenantId: string;
  tenantDomain: string;
  users: { upn: string; password: string; displayName: string; mfa: boolean }[];
  jwksUrl: string;
  /** DRS runs on this same server (discovery, nonce, join). */
  drsUrl: string;
  store: Store;
  /** The tenant's MDM application: v2 tokens for the MDM server URL carry it as `aud` (Fleet's entraClientIds). */
  mdmAppId: string;
  ctx: EntraContext;
  app: FastifyInstance;
  close(): Promise<void>;
  /** lab/UI API: the user approves (or denies) a pending device code or MFA request */
  approveDeviceCode(userCode: string, upn: string): void;
  denyDeviceCode(userCode: string): void;
  pendingMfa(): { id: string; upn: string; entropy: number }[];
  resolveMfa(id: string, approve: boolean): void;
  /** Device codes a user has not entered yet (not expired on the lab clock). */
  pendingDeviceCodes(): { userCode: string; clientId: string; expiresAt: string }[];
}

/** Every route group of the Entra server, in order (paths in protocols/paths/entra.ts). */
function registerRoutes(app: FastifyInstance, ctx: EntraContext): void {
  // OIDC provider metadata and the signing keys, v1 and v2.
  registerOidcMetadata(app, ctx);
  // The token endpoint, v1 and v2: password, refresh token, device code, MFA, srv_challenge and the PRT grants.
  registerTokenEndpoint(app, ctx);
  // The device authorization endpoint, v1 and v2.
  registerDeviceCodeEndpoint(app, ctx);
  // The authorization endpoint, v1 and v2: PRT SSO or the login pages, a code to the client's redirect URI.
  registerAuthorize(app, ctx);
  // The page a device-code message points at: the user enters the code and signs in.
  registerDeviceLogin(app, ctx);
  // The Device Registration Service: discovery, nonce and join.
  registerDrs(app, ctx);
  // The rest of what the metadata and DRS discovery advertise: sign-out, userinfo, WS-Federation, MS-DVRE, and
  // the GET answers of the POST-only endpoints.
  registerLogout(app, ctx);
  registerUserInfo(app, ctx);
  registerWsFed(app, ctx);
  registerDrsRegistration(app, ctx);
  registerPostOnlyVerbs(app, ctx);
}

/** The data the server starts with, each made only when the DB has none: the tenant and its users, then the keys. */
async function seed(ctx: EntraContext, opts: EntraServerOptions): Promise<{ token: EntraKey; ca: EntraKey }> {
  seedDirectory(ctx, opts.tenant ?? {}, opts.users ?? DEFAULT_USERS);
  seedRedirectUris(ctx);
  const keys = await ensureKeys(ctx);
  if (opts.tenant?.onPremRealm) configureOnPremRealm(ctx, opts.tenant.onPremRealm);
  return keys;
}

/** The Entra ID emulator (issue 4): token service, device code, MFA, OIDC metadata, DRS and PRT on 127.0.0.1. */
export async function startEntraServer(opts: EntraServerOptions): Promise<EntraServer> {
  const store = opts.lab.openStore('entra', ENTRA_SCHEMA, { unlogged: ENTRA_UNLOGGED });
  const ctx = createEntraContext(opts.lab, store);
  const keys = await seed(ctx, opts);
  // Lets the timeline check Entra's token signatures and device certificates (observation only).
  opts.lab.recorder.registerKey({ name: 'Entra token signing key', kid: keys.token.kid, publicKey: keys.token.publicKey });
  opts.lab.recorder.registerKey({ name: 'MS-Organization-Access CA', publicKey: keys.ca.publicKey });
  const app = opts.lab.server('entra', { bodyLimit: 256 * 1024, caseSensitive: false });
  registerFrameworkErrors(app, ctx);
  registerRoutes(app, ctx);
  const url = await listenLoopback(app, opts.port ?? 0);
  ctx.baseUrl = url;
  const tenant = getTenant(ctx);
  return {
    url,
    tenantId: tenant.id,
    tenantDomain: tenant.domain,
    get users() {
      return listUsers(ctx).map((u) => ({ upn: u.upn, password: u.password, displayName: u.display_name, mfa: u.mfa_required === 1 }));
    },
    jwksUrl: `${url}${ENTRA_PATHS.keys('common', '2.0')}`,
    drsUrl: url,
    store,
    mdmAppId: mdmAppId(ctx),
    ctx,
    app,
    close: () => app.close(),
    approveDeviceCode: (userCode, upn) => actions.approveDeviceCode(ctx, userCode, upn),
    denyDeviceCode: (userCode) => actions.denyDeviceCode(ctx, userCode),
    pendingMfa: () => pendingMfaRequests(ctx).map((r) => ({ id: r.id, upn: r.upn, entropy: r.entropy })),
    resolveMfa: (id, approve) => actions.resolveMfa(ctx, id, approve),
    pendingDeviceCodes: () => pendingDeviceCodes(ctx),
  };
}
