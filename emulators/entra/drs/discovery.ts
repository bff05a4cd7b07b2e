import { RESOURCES } from '../../protocols/oauth.js';
import type { DrsDiscovery, DrsNonceResponse } from '../../protocols/drs.js';
import { LIFETIMES, type EntraContext } from '../context.js';
import type { TenantRow } from '../directory.js';
import { ENTRA_PATHS } from '../../protocols/paths/entra.js';

/**
 * GET /{tenant}/Discover?api-version=1.9 (entra-mde2.md §2.2): the spec's block names, every URL on this server.
 * Resource ids stay the production `urn:ms-drs:enterpriseregistration.windows.net`: that is what clients ask
 * tokens for and what `aud` says.
 */
export function drsDiscovery(ctx: EntraContext, tenant: TenantRow): DrsDiscovery & Record<string, unknown> {
  const reg = ctx.baseUrl;
  const tid = tenant.id;
  const rid = RESOURCES.drs;
  return {
    DiscoveryService: { DiscoveryEndpoint: `${reg}${ENTRA_PATHS.drsDiscover(tid)}`, ServiceVersion: '1.9' },
    DeviceRegistrationService: { RegistrationEndpoint: `${reg}${ENTRA_PATHS.drsRegistration}`, RegistrationResourceId: rid, ServiceVersion: '1.0' },
    AuthenticationService: { OAuth2: { AuthCodeEndpoint: `${reg}${ENTRA_PATHS.authorize(tid)}`, TokenEndpoint: `${reg}${ENTRA_PATHS.token(tid)}` } },
    IdentityProviderService: { Federated: false, PassiveAuthEndpoint: `${reg}${ENTRA_PATHS.wsfed(tid)}` },
    DeviceJoinService: { JoinEndpoint: `${reg}${ENTRA_PATHS.drsJoin}`, JoinResourceId: rid, ServiceVersion: '2.0' },
    KeyProvisioningService: { KeyProvisionEndpoint: `${reg}${ENTRA_PATHS.drsKeyProvision}`, KeyProvisionResourceId: rid, ServiceVersion: '1.0' },
    NonceService: { Endpoint: `${reg}${ENTRA_PATHS.drsNonce(tid)}`, ResourceId: rid, ServiceVersion: '1.0' },
    TenantInfo: { DisplayName: tenant.display_name, TenantId: tid, TenantName: tenant.domain },
  };
}

/** GET {NonceService.Endpoint}?api-version=1.0 (§2.3): an opaque single-use nonce. */
export function drsNonce(ctx: EntraContext, tenantAlias: string): DrsNonceResponse {
  const nonce = ctx.lab.ids.text(48);
  const traceId = ctx.lab.ids.uuid();
  ctx.store.tx((db) =>
    db
      .prepare(`INSERT INTO nonces(nonce, purpose, tenant_alias, issued_at, expires_at) VALUES (?, 'drs', ?, ?, ?)`)
      .run(nonce, tenantAlias, ctx.iso(), ctx.iso(LIFETIMES.nonceS * 1000)),
  );
  const d = ctx.lab.clock.date();
  // The spec sample's US-style time text: "10/12/2023 3:05:30 PM".
  const h = d.getUTCHours() % 12 || 12;
  const time = `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
  return { ReponseStatus: { message: 'Successfully created a nonce', traceId, time }, Value: nonce };
}
