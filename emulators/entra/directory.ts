import { createHash } from 'node:crypto';
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

const FIRST_PARTY_PUBLIC_CLIENTS: readonly (readonly [string, string])[] = [
  ['1fec8e78-bce4-4aaf-ab1b-5451cc387264', 'Microsoft Teams'],
  ['9bc3ab49-b65d-410a-85ad-de819febfddc', 'Microsoft SharePoint Online Management Shell'],
  ['0000000c-0000-0000-c000-000000000000', 'Microsoft App Access Panel'],
  ['19db86c3-b2b9-44cc-b339-36da233a3be2', 'My Signins'],
  ['d3590ed6-52b3-4102-aeff-aad2292ab01c', 'Microsoft Office'],
  ['0c1307d4-29d6-4389-a11c-5cbe7f65d7fa', 'Microsoft Azure'],
  ['33be1cef-03fb-444b-8fd3-08ca1b4d803f', 'OneDrive Web'],
  ['ab9b8c07-8f02-4f72-87fa-80105867a763', 'OneDrive SyncEngine'],
  ['3d5cffa9-04da-4657-8cab-c7f074657cad', 'M365 Commerce Client'],
  ['4990cffe-04e8-4e8b-808a-1175604b879f', 'Microsoft Partner Center'],
  ['fb78d390-0c51-40cd-8e17-fdbfab77341b', 'Microsoft Exchange REST API Based Powershell'],
  ['fdd7719f-d61e-4592-b501-793734eb8a0e', 'SharePoint Migration Tool'],
  ['a0c73c16-a7e3-4564-9a95-2bdf47383716', 'Microsoft Exchange Online Remote PowerShell'],
  ['3b511579-5e00-46e1-a89e-a6f0870e2f5a', 'Windows 365 Portal'],
  ['08e18876-6177-487e-b8b5-cf950c1e598c', 'SharePoint Online Web Client Extensibility'],
  ['4765445b-32c6-49b0-83e6-1d93765276ca', 'OfficeHome'],
];

/** First-party service principals the flows of entra-mde2.md §1.1 use; the scp each resource's tokens carry (§5.6). */
function firstPartyApps(): Omit<ApplicationRow, 'mdm_catch_all' | 'access_token_version'>[] {
  const client = (app_id: string, display_name: string) => ({ app_id, display_name, public_client: 1, identifier_uris: '[]', scp: null });
  return [
    client(CLIENT_IDS.authBroker, 'Microsoft Authentication Broker'),
    // CloudAP's client: Windows logon asks its PRT with it.
    client(CLIENT_IDS.windowsSignIn, 'Windows Sign In'),
    client(CLIENT_IDS.azureAdPowerShell, 'Azure Active Directory PowerShell'),
    client(CLIENT_IDS.companyPortal, 'Microsoft Intune Company Portal'),
    client(CLIENT_IDS.companyPortalLinux, 'Microsoft Intune Company Portal for Linux'),
    client(CLIENT_IDS.bulkPrt, 'Bulk PRT client'),
    // Windows' device registration client (dsreg's web sign-in at join; libhimmelblau get_auth_redirect_uri).
    client('dd762716-544d-4aeb-a526-687b73838a22', 'Microsoft Device Registration Client'),
    // The other clients libhimmelblau's get_auth_redirect_uri knows; names as ROADtools' firstpartyscopes.json and
    // AADInternals give them.
    ...FIRST_PARTY_PUBLIC_CLIENTS.map(([id, name]) => client(id, name)),
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

/**
 * The directory roles whose members Windows makes local administrators of an Entra-joined device (Microsoft Entra
 * built-in roles; "Manage the local administrators on Microsoft Entra joined devices"): the role template ids are
 * Microsoft's.
 */
export const LOCAL_ADMIN_ROLES = [
  { roleTemplateId: '62e90394-69f5-4237-9190-012177145e10', displayName: 'Global Administrator' },
  { roleTemplateId: '9f06204d-73c1-4d4c-880a-6edb90606fd8', displayName: 'Microsoft Entra Joined Device Local Administrator' },
] as const;

/** A role's object id in this tenant: derived from tenant and template (no lab id spent, so seeded ids stay put). */
function roleObjectId(tenantId: string, templateId: string): string {
  const h = createHash('sha256').update(`${tenantId}:${templateId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface DirectoryRoleRow {
  object_id: string;
  role_template_id: string;
  display_name: string;
}

export function localAdminRoles(ctx: EntraContext): DirectoryRoleRow[] {
  return ctx.store.read((db) => db.prepare(`SELECT * FROM directory_roles ORDER BY rowid`).all() as DirectoryRoleRow[]);
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
    const r = db.prepare(`INSERT INTO directory_roles(object_id, role_template_id, display_name) VALUES (?, ?, ?)`);
    for (const role of LOCAL_ADMIN_ROLES) r.run(roleObjectId(id, role.roleTemplateId), role.roleTemplateId, role.displayName);
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
