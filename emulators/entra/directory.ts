import { CLIENT_IDS, RESOURCES } from '../protocols/oauth.js';
import type { EntraContext } from './context.js';
import { AADSTS } from './errors.js';

/** A lab user to create; `upn` without `@` gets the tenant domain. */
export interface LabUserSeed {
  upn: string;
  password: string;
  displayName: string;
  givenName?: string;
  familyName?: string;
  mfa?: boolean;
}

export interface TenantSeed {
  id?: string;
  domain?: string;
  displayName?: string;
}

export interface TenantRow {
  id: string;
  domain: string;
  display_name: string;
  region: string;
}

export interface UserRow {
  object_id: string;
  upn: string;
  password: string;
  display_name: string;
  given_name: string | null;
  family_name: string | null;
  puid: string;
  mfa_required: number;
  enabled: number;
}

export interface ApplicationRow {
  app_id: string;
  display_name: string;
  public_client: number;
  identifier_uris: string;
  scp: string | null;
  mdm_catch_all: number;
  /** accessTokenAcceptedVersion: null or 1 → v1 access tokens, 2 → v2 (from either endpoint). */
  access_token_version: number | null;
}

export const DEFAULT_DOMAIN = 'enrollscope.onmicrosoft.com';

/** Two lab users: one signs in with a password alone, one must approve MFA (DESIGN.md scenarios). */
export const DEFAULT_USERS: LabUserSeed[] = [
  { upn: 'alice', password: 'Enrollscope-Alice-1', displayName: 'Alice Lab', givenName: 'Alice', familyName: 'Lab' },
  { upn: 'bob', password: 'Enrollscope-Bob-1', displayName: 'Bob Lab (MFA)', givenName: 'Bob', familyName: 'Lab', mfa: true },
];

/** First-party service principals the flows of entra-mde2.md §1.1 use; the scp each resource's tokens carry (§5.6). */
function firstPartyApps(): Omit<ApplicationRow, 'mdm_catch_all' | 'access_token_version'>[] {
  const client = (app_id: string, display_name: string) => ({ app_id, display_name, public_client: 1, identifier_uris: '[]', scp: null });
  return [
    client(CLIENT_IDS.authBroker, 'Microsoft Authentication Broker'),
    client(CLIENT_IDS.windowsSignIn, 'Windows Sign In'),
    client(CLIENT_IDS.azureAdPowerShell, 'Azure Active Directory PowerShell'),
    client(CLIENT_IDS.companyPortal, 'Microsoft Intune Company Portal'),
    client(CLIENT_IDS.companyPortalLinux, 'Intune Company Portal for Linux'),
    client(CLIENT_IDS.bulkPrt, 'Bulk PRT client'),
    { app_id: CLIENT_IDS.azurePortal, display_name: 'Azure Portal', public_client: 1, identifier_uris: '["https://portal.azure.com"]', scp: 'user_impersonation' },
    { app_id: RESOURCES.drsAppId, display_name: 'Device Registration Service', public_client: 0, identifier_uris: JSON.stringify([RESOURCES.drs]), scp: 'adrs_access' },
    {
      app_id: RESOURCES.intuneEnrollmentAppId,
      display_name: 'Microsoft Intune Enrollment',
      public_client: 0,
      identifier_uris: JSON.stringify([RESOURCES.intuneEnrollment, 'https://enrollment.manage.microsoft.com']),
      scp: 'mdm_delegation',
    },
    { app_id: RESOURCES.intuneAppId, display_name: 'Microsoft Intune', public_client: 0, identifier_uris: '["https://manage.microsoft.com"]', scp: 'user_impersonation' },
    { app_id: RESOURCES.graphAppId, display_name: 'Microsoft Graph', public_client: 0, identifier_uris: JSON.stringify([RESOURCES.graph, `${RESOURCES.graph}/`]), scp: 'User.Read' },
    { app_id: RESOURCES.aadGraphAppId, display_name: 'Windows Azure Active Directory', public_client: 0, identifier_uris: JSON.stringify([RESOURCES.aadGraph, `${RESOURCES.aadGraph}/`]), scp: 'user_impersonation' },
  ];
}

/** Create the tenant, its users and applications if this store has none; an existing tenant is kept. */
export function seedDirectory(ctx: EntraContext, tenant: TenantSeed, users: LabUserSeed[]): void {
  if (ctx.store.read((db) => db.prepare(`SELECT 1 FROM tenant`).get())) return;
  const { ids } = ctx.lab;
  const id = tenant.id ?? ids.uuid();
  const domain = (tenant.domain ?? DEFAULT_DOMAIN).toLowerCase();
  const now = ctx.iso();
  const rows = users.map((u) => ({
    object_id: ids.uuid(),
    upn: u.upn.includes('@') ? u.upn : `${u.upn}@${domain}`,
    password: u.password,
    display_name: u.displayName,
    given_name: u.givenName ?? null,
    family_name: u.familyName ?? null,
    // puid: 16 upper-case hex digits, as Entra's.
    puid: ids.hex(8).toUpperCase(),
    mfa_required: u.mfa ? 1 : 0,
  }));
  const mdmAppId = ids.uuid();
  ctx.store.tx((db) => {
    db.prepare(`INSERT INTO tenant(id, domain, display_name, region, created_at) VALUES (?, ?, ?, 'NA', ?)`).run(id, domain, tenant.displayName ?? 'Enrollscope Lab', now);
    const u = db.prepare(
      `INSERT INTO users(object_id, upn, password, display_name, given_name, family_name, puid, mfa_required, created_at)
       VALUES (@object_id, @upn, @password, @display_name, @given_name, @family_name, @puid, @mfa_required, @now)`,
    );
    for (const r of rows) u.run({ ...r, now });
    const a = db.prepare(
      `INSERT INTO applications(app_id, display_name, public_client, identifier_uris, scp, mdm_catch_all) VALUES (@app_id, @display_name, @public_client, @identifier_uris, @scp, @mdm_catch_all)`,
    );
    for (const app of firstPartyApps()) a.run({ ...app, mdm_catch_all: 0 });
    a.run({ app_id: mdmAppId, display_name: 'Enrollscope MDM (Fleet)', public_client: 0, identifier_uris: '[]', scp: 'mdm_delegation', mdm_catch_all: 1 });
  });
}

export function getTenant(ctx: EntraContext): TenantRow {
  const t = ctx.store.read((db) => db.prepare(`SELECT id, domain, display_name, region FROM tenant`).get() as TenantRow | undefined);
  if (!t) throw new Error('the Entra tenant was not seeded');
  return t;
}

/** `{tenant}` in a path: the tenant id, its verified domain, or the aliases `common` / `organizations` (issue 4). */
export function resolveTenant(ctx: EntraContext, segment: string): TenantRow {
  const t = getTenant(ctx);
  const s = segment.toLowerCase();
  if (s === t.id.toLowerCase() || s === t.domain || s === 'common' || s === 'organizations') return t;
  throw AADSTS.unknownTenant(segment);
}

export function findUser(ctx: EntraContext, upn: string): UserRow | undefined {
  return ctx.store.read((db) => db.prepare(`SELECT * FROM users WHERE upn = ? COLLATE NOCASE`).get(upn) as UserRow | undefined);
}

export function getUser(ctx: EntraContext, objectId: string): UserRow {
  const u = ctx.store.read((db) => db.prepare(`SELECT * FROM users WHERE object_id = ?`).get(objectId) as UserRow | undefined);
  if (!u) throw AADSTS.invalidGrant('The user of this grant no longer exists.');
  return u;
}

export function listUsers(ctx: EntraContext): UserRow[] {
  return ctx.store.read((db) => db.prepare(`SELECT * FROM users ORDER BY rowid`).all() as UserRow[]);
}

/** A public client allowed to sign users in (AADSTS700016 otherwise). */
export function requirePublicClient(ctx: EntraContext, clientId: string | undefined): ApplicationRow {
  if (!clientId) throw AADSTS.missingParameter('client_id');
  const app = ctx.store.read((db) => db.prepare(`SELECT * FROM applications WHERE app_id = ? COLLATE NOCASE`).get(clientId) as ApplicationRow | undefined);
  if (!app || !app.public_client) throw AADSTS.unknownClient(clientId, getTenant(ctx).id);
  return app;
}

export interface ResolvedResource {
  app: ApplicationRow;
  /** v1 `aud`: the identifier as requested (a URI), or the app's first identifier URI when asked by app id. */
  audV1: string;
  /** The form the client named (echoed as `resource` in v1 responses). */
  requested: string;
}

/**
 * The resource a token is for: an app id, one of an app's identifier URIs, or (lab choice) any other http(s)
 * URL, which is the tenant's MDM application: Fleet checks a v1 `aud` by its host:port (fleet.md §2.5).
 */
export function resolveResource(ctx: EntraContext, requested: string): ResolvedResource {
  const apps = ctx.store.read((db) => db.prepare(`SELECT * FROM applications ORDER BY rowid`).all() as ApplicationRow[]);
  const lower = requested.toLowerCase();
  for (const app of apps) {
    const uris = JSON.parse(app.identifier_uris) as string[];
    if (app.app_id.toLowerCase() === lower) return { app, audV1: uris[0] ?? app.app_id, requested };
    if (uris.some((u) => u.toLowerCase() === lower)) return { app, audV1: requested, requested };
  }
  if (/^https?:\/\/[^/\s]+/i.test(requested)) {
    const mdm = apps.find((a) => a.mdm_catch_all);
    if (mdm) return { app: mdm, audV1: requested, requested };
  }
  throw AADSTS.invalidResource(requested, getTenant(ctx).id);
}

export function mdmAppId(ctx: EntraContext): string {
  return ctx.store.read((db) => db.prepare(`SELECT app_id FROM applications WHERE mdm_catch_all = 1`).pluck().get() as string);
}
