import type { FastifyInstance } from 'fastify';
import type { Lab } from '../lab/lab.js';
import type { Store } from '../lab/store.js';
import { listenLoopback } from '../lab/server.js';
import { ENTRA_SCHEMA, ENTRA_UNLOGGED } from './schema.js';
import { createEntraContext, type EntraContext } from './context.js';
import { DEFAULT_USERS, getTenant, listUsers, mdmAppId, seedDirectory, type LabUserSeed } from './directory.js';
import { ensureKeys } from './keys.js';
import { registerEntraRoutes } from './routes.js';
import { pendingMfaRequests } from './mfa.js';
import * as actions from './user-actions.js';

export type { LabUserSeed } from './directory.js';

export interface EntraServerOptions {
  lab: Lab;
  port?: number;
  tenant?: { id?: string; domain?: string; displayName?: string };
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

/** The Entra ID emulator (issue 4): token service, device code, MFA, OIDC metadata, DRS and PRT on 127.0.0.1. */
export async function startEntraServer(opts: EntraServerOptions): Promise<EntraServer> {
  const store = opts.lab.openStore('entra', ENTRA_SCHEMA, { unlogged: ENTRA_UNLOGGED });
  const ctx = createEntraContext(opts.lab, store);
  seedDirectory(ctx, opts.tenant ?? {}, opts.users ?? DEFAULT_USERS);
  const keys = await ensureKeys(ctx);
  // Lets the timeline check Entra's token signatures and device certificates (observation only).
  opts.lab.recorder.registerKey({ name: 'Entra token signing key', kid: keys.token.kid, publicKey: keys.token.publicKey });
  opts.lab.recorder.registerKey({ name: 'MS-Organization-Access CA', publicKey: keys.ca.publicKey });
  const app = opts.lab.server('entra', { bodyLimit: 256 * 1024 });
  registerEntraRoutes(app, ctx);
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
    jwksUrl: `${url}/common/discovery/v2.0/keys`,
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
    pendingDeviceCodes: () =>
      store.read(
        (db) =>
          db.prepare(`SELECT user_code AS userCode, client_id AS clientId, expires_at AS expiresAt FROM device_codes WHERE status = 'pending' AND expires_at > ? ORDER BY issued_at`).all(ctx.iso()) as {
            userCode: string;
            clientId: string;
            expiresAt: string;
          }[],
      ),
  };
}
