import type { Db } from '../../lab/store.js';
import type { MdmContext } from '../context.js';
import type { BinarySecurityToken } from '../../protocols/soap.js';
import { decodeBase64Any, type SoapEnvelope } from '../../protocols/soap.js';
import { MDE2, readHeaderToken } from '../../protocols/mde2/envelope.js';
import { getAzureAuthTokenClaims, hasAuthorizedAzureAudience, hasAuthorizedAzureTenant } from '../wstep/azure.js';
import { verifyStsAuthToken } from '../wstep/sts.js';

/**
 * Service.authBinarySecurityToken (fleet.md §2.5): who is enrolling, from the header BinarySecurityToken.
 * Fleet's device token (type 1 programmatic with an orbit node key, type 2 automatic with an STS token) or an
 * Entra JWT. Reads only; whatever must be written (a fresh JWK Set) is returned for the request's transaction.
 */

export type EnrollKind = 'programmatic' | 'automatic';

export interface AuthorizedToken {
  /** enroll_user_id: the orbit node key (programmatic) or the UPN (automatic, possibly ''). */
  userId: string;
  /** The host's uuid for programmatic enrollments; '' for automatic ones (linked later, fleet.md §6). */
  hostUuid: string;
  kind: EnrollKind;
  writes: ((db: Db) => void)[];
}

/** WindowsMDMAccessTokenPayload types. */
const PROGRAMMATIC = 1;
const AUTOMATIC = 2;

interface DevicePayload {
  type: number;
  payload: { orbit_node_key: string; auth_token: string };
}

function decodeDevicePayload(content: string): DevicePayload {
  // Fleet decodes with StdEncoding while its own clients encode with URLEncoding: accept both alphabets.
  const raw = decodeBase64Any(content);
  if (!raw) throw new Error('token creation error binary security token: illegal base64 data');
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new Error(`token creation error binary security token: ${(e as Error).message}`);
  }
  const o = (typeof v === 'object' && v !== null ? v : {}) as { type?: unknown; payload?: { orbit_node_key?: unknown; auth_token?: unknown } };
  return {
    type: typeof o.type === 'number' ? o.type : 0,
    payload: {
      orbit_node_key: typeof o.payload?.orbit_node_key === 'string' ? o.payload.orbit_node_key : '',
      auth_token: typeof o.payload?.auth_token === 'string' ? o.payload.auth_token : '',
    },
  };
}

/** WindowsMDMAccessTokenPayload.IsValidToken. */
function payloadError(p: DevicePayload): string | null {
  if (p.type !== PROGRAMMATIC && p.type !== AUTOMATIC) return 'invalid binary security payload type';
  if (p.type === PROGRAMMATIC && !p.payload.orbit_node_key) return 'invalid binary security payload content';
  if (p.type === AUTOMATIC && !p.payload.auth_token) return 'invalid STS auth token payload content';
  return null;
}

interface HostRow {
  id: number;
  uuid: string;
  platform: string;
  osquery_host_id: string | null;
}

/** isEligibleForWindowsMDMEnrollment: a Windows, osquery-enrolled host not yet MDM-enrolled and not a server. */
function programmatic(ctx: MdmContext, orbitNodeKey: string): AuthorizedToken {
  const host = ctx.store.read(
    (db) => db.prepare(`SELECT id, uuid, platform, osquery_host_id FROM hosts WHERE orbit_node_key = ?`).get(orbitNodeKey) as HostRow | undefined,
  );
  if (!host) throw new Error('host data cannot be found sql: no rows in result set');
  const mdm = ctx.store.read(
    (db) => db.prepare(`SELECT enrolled, is_server FROM host_mdm WHERE host_id = ?`).get(host.id) as { enrolled: number; is_server: number | null } | undefined,
  );
  const eligible = host.platform === 'windows' && !!host.osquery_host_id && (!mdm || (!mdm.is_server && !mdm.enrolled));
  if (!eligible) throw new Error('host is not elegible for Windows MDM enrollment');
  return { userId: orbitNodeKey, hostUuid: host.uuid, kind: 'programmatic', writes: [] };
}

/** The token's verdict: the AuthorizedToken, or an Error whose text is Fleet's. */
export async function authBinarySecurityToken(ctx: MdmContext, token: BinarySecurityToken): Promise<AuthorizedToken> {
  if (token.valueType === MDE2.valueTypes.deviceEnrollmentUserToken) {
    const p = decodeDevicePayload(token.content);
    const invalid = payloadError(p);
    if (invalid) throw new Error(`invalid token data ${invalid}`);
    if (p.type === PROGRAMMATIC) return programmatic(ctx, p.payload.orbit_node_key);
    let upn: string;
    try {
      upn = verifyStsAuthToken(ctx, p.payload.auth_token);
    } catch (e) {
      throw new Error(`issue retrieving UPN from Auth token: ${(e as Error).message}`);
    }
    return { userId: upn, hostUuid: '', kind: 'automatic', writes: [] };
  }
  if (token.valueType === MDE2.valueTypes.jwt) {
    const settings = ctx.settings();
    if (settings.entraTenantIds.length === 0) throw new Error('no entra tenant IDs configured for automatic enrollment');
    let result;
    try {
      result = await getAzureAuthTokenClaims(ctx, token.content);
    } catch (e) {
      throw new Error(`binary security token claim failed: ${(e as Error).message}`);
    }
    if (!hasAuthorizedAzureAudience(result.data.audience, settings.serverUrl, settings.entraClientIds)) {
      throw new Error('token audience is not authorized');
    }
    if (!hasAuthorizedAzureTenant(result.data.tenantId, settings.entraTenantIds)) throw new Error('token tenant is not authorized');
    return { userId: result.data.upn, hostUuid: '', kind: 'automatic', writes: result.jwksWrite ? [result.jwksWrite] : [] };
  }
  throw new Error('token is not authorized');
}

/** GetHeaderBinarySecurityToken then authBinarySecurityToken, with Fleet's error wrapping (fleet.md §2.3, §2.5). */
export async function authorizeHeaderToken(ctx: MdmContext, env: SoapEnvelope): Promise<AuthorizedToken> {
  const header = readHeaderToken(env);
  if ('error' in header) throw new Error(header.error);
  try {
    return await authBinarySecurityToken(ctx, header.token);
  } catch (e) {
    throw new Error(`validate binary security token: ${(e as Error).message}`);
  }
}
