import type { FastifyInstance } from 'fastify';
import type { MdmContext } from '../context.js';
import { fleetError, sendFleetError, sendFleetJson } from '../fleet-error.js';
import { writeSettings, type MdmSettings } from '../settings.js';
import { API_VERSIONS, guarded, invalidArgument, jsonObject } from './auth.js';
import type { FleetAppConfig } from '../../protocols/fleet-api.js';

/**
 * GET/PATCH /api/v1/fleet/config (server/service/appconfig.go getAppConfigEndpoint / ModifyAppConfig): Fleet's
 * AppConfig JSON, limited to the keys the lab's MdmSettings maps to. The rest of the lab's settings are server config
 * or lab switches (api/lab.ts).
 */

/** Entra's SAML federation metadata URL (learn.microsoft.com, "Federation metadata"): how the lab's IdP is named as Fleet's end_user_authentication.metadata_url. */
const METADATA = /^(https?:\/\/[^?#]+?)\/([^/?#]+)\/federationmetadata\/2007-06\/federationmetadata\.xml$/;

export function metadataUrl(s: MdmSettings): string {
  return s.idpUrl && s.idpTenantId ? `${s.idpUrl.replace(/\/$/, '')}/${s.idpTenantId}/federationmetadata/2007-06/federationmetadata.xml` : '';
}

export function appConfigView(s: MdmSettings): FleetAppConfig {
  return {
    server_settings: { server_url: s.serverUrl },
    mdm: {
      windows_enabled_and_configured: s.windowsMdmEnabled,
      windows_entra_tenant_ids: s.entraTenantIds,
      windows_entra_client_ids: s.entraClientIds,
      macos_setup: { enable_end_user_authentication: s.endUserAuthEnabled },
      end_user_authentication: { metadata_url: metadataUrl(s) },
    },
  };
}

type Kind = 'bool' | 'string' | 'strings';
type Shape = { [key: string]: Kind | Shape };

/** The AppConfig keys the lab reads (a subset of fleet.AppConfig's JSON tags, server/fleet/app.go). */
const SHAPE: Shape = {
  server_settings: { server_url: 'string' },
  mdm: {
    windows_enabled_and_configured: 'bool',
    windows_entra_tenant_ids: 'strings',
    windows_entra_client_ids: 'strings',
    macos_setup: { enable_end_user_authentication: 'bool' },
    end_user_authentication: { metadata_url: 'string' },
  },
};

type Flat = Record<string, boolean | string | string[]>;
type Decode = { ok: true; values: Flat } | { ok: false; reason: string };

const typeName = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'number' ? 'number' : typeof v === 'object' ? 'object' : typeof v);
const wanted: Record<Kind, string> = { bool: 'bool', string: 'string', strings: '[]string' };

/**
 * appConfig.EnableStrictDecoding() then json.Unmarshal: an unknown key is a UserMessageError "unsupported key provided:
 * \"k\"" and a value of the wrong type "invalid value type at 'path': expected T but got U" (server/fleet/app.go,
 * UserMessage of the json errors), both 400. A JSON null leaves the key as it was (Go's json null rule).
 */
function decode(body: Record<string, unknown>, shape: Shape, prefix: string, out: Flat): string | null {
  for (const [k, v] of Object.entries(body)) {
    const want = shape[k];
    const path = prefix ? `${prefix}.${k}` : k;
    if (want === undefined) return `unsupported key provided: "${k}"`;
    if (v === null) continue;
    if (typeof want === 'object') {
      if (typeName(v) !== 'object') return `invalid value type at '${path}': expected object but got ${typeName(v)}`;
      const err = decode(v as Record<string, unknown>, want, path, out);
      if (err) return err;
      continue;
    }
    const okType = want === 'bool' ? typeof v === 'boolean' : want === 'string' ? typeof v === 'string' : Array.isArray(v) && v.every((x) => typeof x === 'string');
    if (!okType) return `invalid value type at '${path}': expected ${wanted[want]} but got ${typeName(v)}`;
    out[path] = v as boolean | string | string[];
  }
  return null;
}

export function decodeConfigPatch(body: Record<string, unknown>): Decode {
  const values: Flat = {};
  const reason = decode(body, SHAPE, '', values);
  return reason ? { ok: false, reason } : { ok: true, values };
}

type Patch = { ok: true; patch: Partial<MdmSettings> } | { ok: false; status: number; name: string; reason: string };

/** The decoded keys as a settings patch, validated as ModifyAppConfig validates them (422 Validation Failed). */
export function configPatch(current: MdmSettings, v: Flat): Patch {
  const patch: Partial<MdmSettings> = {};
  const url = v['server_settings.server_url'];
  if (typeof url === 'string') {
    // validateServerURL-style checks (appconfig.go): present and an absolute http(s) URL. UNCONFIRMED wording.
    if (url.trim() === '') return { ok: false, status: 422, name: 'server_url', reason: 'Fleet server URL must be present' };
    if (!/^https?:\/\/[^/\s]+/.test(url)) return { ok: false, status: 422, name: 'server_url', reason: `couldn't parse server_settings.server_url, invalid URL` };
    patch.serverUrl = url;
  }
  const win = v['mdm.windows_enabled_and_configured'];
  if (typeof win === 'boolean') patch.windowsMdmEnabled = win;
  const tenants = v['mdm.windows_entra_tenant_ids'];
  if (Array.isArray(tenants)) patch.entraTenantIds = tenants;
  const clients = v['mdm.windows_entra_client_ids'];
  // appconfig.go: Entra client ids are stored trimmed, lower-case and de-duplicated.
  if (Array.isArray(clients)) patch.entraClientIds = [...new Set(clients.map((c) => c.trim().toLowerCase()))];
  // appconfig.go clearEntraIDsIfWindowsTurnedOff: turning Windows MDM off clears the allowlists the payload does not set.
  if (win === false && current.windowsMdmEnabled) {
    if (!(Array.isArray(tenants) && tenants.length > 0)) patch.entraTenantIds = [];
    if (!(Array.isArray(clients) && clients.length > 0)) patch.entraClientIds = [];
  }
  const eua = v['mdm.macos_setup.enable_end_user_authentication'];
  if (typeof eua === 'boolean') patch.endUserAuthEnabled = eua;
  const meta = v['mdm.end_user_authentication.metadata_url'];
  if (typeof meta === 'string') {
    const m = METADATA.exec(meta);
    if (meta === '') Object.assign(patch, { idpUrl: null, idpTenantId: null });
    else if (m) Object.assign(patch, { idpUrl: m[1]!, idpTenantId: m[2]! });
    // Lab deviation: the lab signs users in with Entra's OAuth endpoints, so it takes only Entra's metadata URL form.
    else return { ok: false, status: 422, name: 'end_user_authentication.metadata_url', reason: 'the lab takes an Entra federation metadata URL: {idp}/{tenant}/federationmetadata/2007-06/federationmetadata.xml' };
  }
  return { ok: true, patch };
}

export function registerConfig(app: FastifyInstance, ctx: MdmContext): void {
  for (const v of API_VERSIONS) {
    const path = `/api/${v}/fleet/config`;
    app.get(path, guarded(ctx, (_req, reply) => sendFleetJson(reply, appConfigView(ctx.settings()))));
    app.patch(
      path,
      guarded(ctx, (req, reply) => {
        const body = jsonObject(req);
        // ModifyAppConfig: a body that is not a JSON object is fleet.BadRequestError "failed to decode app config".
        if (!body) return sendFleetError(reply, 400, fleetError('Bad request', 'failed to decode app config'));
        const decoded = decodeConfigPatch(body);
        // fleet.NewUserMessageError(err, 400): message is http.StatusText(400) (transport_error.go), reason the user message.
        if (!decoded.ok) return sendFleetError(reply, 400, fleetError('Bad Request', decoded.reason));
        const p = configPatch(ctx.settings(), decoded.values);
        if (!p.ok) return sendFleetError(reply, p.status, invalidArgument(p.name, p.reason));
        writeSettings(ctx.store, p.patch);
        return sendFleetJson(reply, appConfigView(ctx.settings()));
      }),
    );
  }
}
