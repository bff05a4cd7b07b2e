import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Lab, SEEDED_START, type LabOptions } from '../lab/lab.js';
import { KeyFactory } from '../lab/keys.js';
import { ensureLabTls, type LabTls } from '../lab/tls.js';
import { startMdmServer, type MdmServer } from '../mdm/server.js';
import { startEntraServer, type EntraServer } from '../entra/server.js';
import type { MdmSettings } from '../mdm/settings.js';
import type { FleetSwitchId } from '../mdm/profiles/switches.js';
import { DEFAULT_FLEET_PROFILE, profileHas } from '../mdm/profiles/profiles.js';
import type { VirtualDevice } from '../device/index.js';
import type { HttpRequestRecord } from '../lab/step.js';
import { FleetClient, LabApiMissingError } from '../lab/fleet-client.js';
import { LAB_MDM_SETTINGS_PATH, type LabMdmSwitches } from '../protocols/fleet-api.js';
import { fleetApiToken } from '../mdm/api/token.js';
import { chooseTpm, closeTpm, type TpmChoice } from '../device/tpm/backend.js';
import { FleetApiViews } from './fleet-api-views.js';

/** An MDM server outside this process the world's device and orbit enroll into (run --mdm-url): a real Fleet, or `serve`. */
export interface ExternalMdm {
  /** Its base URL, `https://host:port` (what Fleet's server_settings.server_url says). */
  url: string;
  /** An admin API token (`Authorization: Bearer`): a Fleet API-only user's, or serve --json's fleetApiToken. */
  token: string;
  /** The CA its certificate chains to (--mdm-ca); Node's default store when absent. */
  caPem?: string;
  /** Skip certificate verification (--insecure). */
  insecure?: boolean;
}

/** The world's MDM party: the embedded server, or an external target reached only over Fleet's API. */
export interface MdmTarget extends ExternalMdm {
  /** The MDM server running in this process; absent for an external target. */
  embedded?: MdmServer;
  /** Whether the target serves the lab's own switches (/lab/v1/mdm): the embedded server and serve do, a real Fleet not. */
  labApi: boolean;
  /**
   * What the lab could not configure on an external Fleet and its operator must (the FLEET_DEV_AZURE_JWT_JWKS_URI line
   * for `fleet serve --dev`): the CLI prints these on stderr.
   */
  notes: string[];
}

/** Something a scenario or the host asked of the MDM server's internals, on a world whose MDM is external. */
export class NeedsEmbeddedMdmError extends Error {
  override name = 'NeedsEmbeddedMdmError';
  constructor(readonly what: string) {
    super(`${what}: needs the embedded MDM server (this run targets an external Fleet)`);
  }
}

/**
 * A world: one lab and the server parties listening in it, configured to trust each other the way a Fleet admin
 * wires Fleet to an Entra tenant (windows_entra_tenant_ids, the MDM app's client id, the JWKS, the IdP for SSO).
 * Scenarios and the host start one per run; client parties (the device, orbit) are made by scenarios on top.
 */
export interface WorldOptions extends Omit<LabOptions, 'tls'> {
  /** HTTPS on a lab CA (true: the CA of the data folder, made on first use); default plain HTTP. */
  tls?: LabTls | boolean | null;
  /** Reuse these ports (a new run keeps the URLs outside clients were given). */
  ports?: { mdm?: number; entra?: number };
  mdmSettings?: Partial<MdmSettings>;
  /** The devices' TPM (--tpm): swtpm, the in-process one, or auto (swtpm when installed and unseeded). Default: in-process. */
  tpm?: TpmChoice;
  /** Enroll into this MDM server instead of starting the embedded one (run / serve / ui --mdm-url). */
  externalMdm?: ExternalMdm;
  /** false: the embedded MDM serves no lab API, only what a real Fleet serves (serve --fleet-api-only). */
  mdmLabApi?: boolean;
}

export interface World {
  lab: Lab;
  /** The MDM party: its URL and admin token always; the embedded server only when it runs here. */
  mdmTarget: MdmTarget;
  /** The embedded MDM server; throws NeedsEmbeddedMdmError on a world whose MDM is external. */
  readonly mdm: MdmServer;
  entra: EntraServer;
  /** The virtual devices scenarios made in this world, so a trainer can keep talking to them after the run. */
  devices: VirtualDevice[];
  /** Against an external Fleet (not in load mode): what its host API showed after each step sent to it. */
  fleetApiViews: FleetApiViews | null;
  close(): Promise<void>;
}

/**
 * The lab CA and server certificate kept in `dir` (made on first use). Seeded: the seed's cached keys and the seeded
 * clock's start, so the same seed gives the same PEMs; unseeded: fresh keys, valid from today.
 */
export function labTlsFor(dir: string, opts: { seed?: string | null; keyCacheDir?: string; startAt?: number; listen?: string | null } = {}): Promise<LabTls> {
  const seed = opts.seed ?? null;
  return ensureLabTls(dir, new KeyFactory(seed, opts.keyCacheDir ?? join(dir, '.cache')), seed === null ? Date.now() : (opts.startAt ?? SEEDED_START), { listen: opts.listen ?? null });
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'enrollscope-'));
  const tls = opts.tls === true ? await labTlsFor(dataDir, opts) : opts.tls || null;
  const ext = opts.externalMdm;
  const peers = ext ? [{ origin: new URL(ext.url).origin, ...(ext.caPem && { caPem: ext.caPem }), ...(ext.insecure && { insecure: true }) }] : [];
  // An external MDM with the lab's API follows this lab's clock (trustThisEntra sets it up).
  let beforeSend: ((request: HttpRequestRecord) => Promise<void>) | null = null;
  // The DB tab's view of an external Fleet, read from its host API after each step sent to it; load mode keeps no history.
  const apiViews = ext && !opts.light ? new FleetApiViews(new FleetClient({ url: ext.url, token: ext.token, ...(ext.caPem && { caPem: ext.caPem }), ...(ext.insecure && { insecure: true }), unrecorded: true }), ext.url) : null;
  const watchers = apiViews ? [...(opts.watchers ?? []), apiViews] : opts.watchers;
  const lab = new Lab({ ...opts, dataDir, tls, peers, ...(watchers && { watchers }), ...(ext && { beforeSend: (r: HttpRequestRecord) => beforeSend?.(r) }) });
  chooseTpm(lab, opts.tpm ?? 'soft');
  const entra = await startEntraServer({ lab, ...(opts.ports?.entra !== undefined && { port: opts.ports.entra }) });
  if (ext) {
    let target: MdmTarget;
    try {
      target = await trustThisEntra(ext, entra);
      if (target.labApi) beforeSend = followLabClock(lab, target);
      else target.notes.push(`${ext.url} reads its own clock: a run whose lab clock moves (device-code and MFA polls, a token left to expire) runs ahead of it`);
    } catch (e) {
      await entra.close();
      lab.close();
      throw e;
    }
    lab.markStart();
    const world = makeWorld(lab, target, entra, async () => {
      await entra.close();
    }, apiViews);
    apiViews?.track(() => world.devices.map((d) => d.hardware));
    return world;
  }
  const mdm = await startMdmServer({
    lab,
    ...(opts.ports?.mdm !== undefined && { port: opts.ports.mdm }),
    ...(opts.mdmLabApi === false && { labApi: false }),
    settings: {
      entraTenantIds: [entra.tenantId],
      entraClientIds: [entra.mdmAppId],
      azureJwksUri: entra.jwksUrl,
      idpUrl: entra.url,
      idpTenantId: entra.tenantId,
      ...opts.mdmSettings,
    },
  });
  lab.markStart();
  const target: MdmTarget = { url: mdm.url, token: fleetApiToken(mdm.ctx), ...(lab.tls && { caPem: lab.tls.caPem }), embedded: mdm, labApi: opts.mdmLabApi !== false, notes: [] };
  return makeWorld(lab, target, entra, async () => {
    await Promise.allSettled([mdm.close(), entra.close()]);
  });
}

function makeWorld(lab: Lab, mdmTarget: MdmTarget, entra: EntraServer, closeServers: () => Promise<void>, fleetApiViews: FleetApiViews | null = null): World {
  return {
    lab,
    mdmTarget,
    fleetApiViews,
    get mdm(): MdmServer {
      return embeddedMdm(this, 'it reads the MDM server\'s internals');
    },
    entra,
    devices: [],
    close: async () => {
      lab.gate.drain();
      await Promise.allSettled([closeServers(), closeTpm(lab)]);
      lab.close();
    },
  };
}

/** The embedded MDM server, or NeedsEmbeddedMdmError naming what needed it. */
export function embeddedMdm(world: Pick<World, 'mdmTarget'>, what: string): MdmServer {
  const mdm = world.mdmTarget.embedded;
  if (!mdm) throw new NeedsEmbeddedMdmError(what);
  return mdm;
}

/**
 * Bring the external server's lab clock to this lab's before a request goes to it, whenever this lab's clock has moved
 * since (an advance, a restore): the run's Entra tokens and the server's checks then read the same time.
 */
function followLabClock(lab: Lab, target: MdmTarget): (request: HttpRequestRecord) => Promise<void> {
  const client = new FleetClient(target);
  const origin = new URL(target.url).origin;
  let moved = true;
  lab.clock.onChange(() => {
    moved = true;
  });
  return async (request) => {
    if (!moved || new URL(request.url).origin !== origin) return;
    moved = false;
    await client.setLabClock(lab.clock.now());
  };
}

/** Entra's SAML federation metadata URL for a tenant (learn.microsoft.com "Federation metadata"): Fleet's end_user_authentication.metadata_url. */
function federationMetadataUrl(entra: EntraServer): string {
  return `${entra.url}/${entra.tenantId}/federationmetadata/2007-06/federationmetadata.xml`;
}

/**
 * Make an external Fleet trust this world's Entra as a Fleet admin wires Fleet to a tenant (fleet.md §1.4, §2.5):
 * through Fleet's API the tenant id joins mdm.windows_entra_tenant_ids, the MDM app's id windows_entra_client_ids
 * (v2 audiences), and the IdP for orbit's SSO page is this Entra; the JWK Set the enrollment's Azure JWT is verified
 * against is fleet serve --dev's FLEET_DEV_AZURE_JWT_JWKS_URI, which only the lab's own API can set on a running
 * server. A real Fleet has no such API: the note tells the operator the line to start it with.
 */
async function trustThisEntra(ext: ExternalMdm, entra: EntraServer): Promise<MdmTarget> {
  const client = new FleetClient(ext);
  const config = await client.config();
  const add = (list: string[], v: string) => (list.includes(v) ? list : [...list, v]);
  await client.updateConfig({
    mdm: {
      windows_entra_tenant_ids: add(config.mdm.windows_entra_tenant_ids ?? [], entra.tenantId),
      windows_entra_client_ids: add(config.mdm.windows_entra_client_ids ?? [], entra.mdmAppId),
      end_user_authentication: { metadata_url: federationMetadataUrl(entra) },
      // The scenarios start from a Fleet that requires end-user authentication, as the embedded server does.
      macos_setup: { enable_end_user_authentication: true },
    },
  });
  const labApi = await client.hasLabApi();
  const notes: string[] = [];
  // The lab switches as the embedded server starts (settings.ts DEFAULT_MDM_SETTINGS): an earlier run may have moved them.
  if (labApi) await client.setLabSwitches({ azureJwksUri: entra.jwksUrl, euaTokenEnabled: true, allowOrbitEndUserAuthBypass: false, mdmWindowsOneTimeEnrollSecrets: false });
  else notes.push(`${ext.url} has no lab API: start it with FLEET_DEV_AZURE_JWT_JWKS_URI=${entra.jwksUrl} (fleet serve --dev) so it verifies this lab's Entra tokens`);
  return { ...ext, labApi, notes };
}

const clients = new WeakMap<World, FleetClient>();

/**
 * The admin's client for the world's MDM server: Fleet's REST API with the admin token (what `serve --json` prints as
 * fleetApiToken) over HTTP(S) with the lab CA. Scenarios and the host change Fleet's state only through it.
 */
export function fleetClient(world: World): FleetClient {
  let c = clients.get(world);
  if (!c) {
    const t = world.mdmTarget;
    c = new FleetClient({ url: t.url, token: t.token, ...(t.caPem && { caPem: t.caPem }), ...(t.insecure && { insecure: true }) });
    clients.set(world, c);
  }
  return c;
}

/**
 * Whether the world's Fleet profile has a behaviour switch on: scenarios' expectations follow the Fleet they run
 * against. An external Fleet is taken as the newest Fleet the lab models (its build is not in Fleet's API).
 */
export function fleetHas(world: World, id: FleetSwitchId): boolean {
  const mdm = world.mdmTarget.embedded;
  return mdm ? mdm.ctx.fleet(id) : profileHas(DEFAULT_FLEET_PROFILE, id);
}

/**
 * Set a lab-only switch when the target has the lab's API; against a real Fleet, a switch already at what the newest
 * Fleet does needs nothing, another value cannot be had (LabApiMissingError).
 */
export async function labSwitch(world: World, patch: Partial<LabMdmSwitches>): Promise<void> {
  if (world.mdmTarget.labApi) {
    await fleetClient(world).setLabSwitches(patch);
    return;
  }
  const newest: Partial<LabMdmSwitches> = { euaTokenEnabled: true, allowOrbitEndUserAuthBypass: false, mdmWindowsOneTimeEnrollSecrets: false };
  const differs = (Object.keys(patch) as (keyof LabMdmSwitches)[]).filter((k) => patch[k] !== newest[k]);
  if (differs.length > 0) throw new LabApiMissingError(world.mdmTarget.url, `${LAB_MDM_SETTINGS_PATH} (${differs.join(', ')})`);
}
