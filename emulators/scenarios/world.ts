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
import type { VirtualDevice } from '../device/index.js';
import { FleetClient } from '../lab/fleet-client.js';
import { fleetApiToken } from '../mdm/api/token.js';
import { chooseTpm, closeTpm, type TpmChoice } from '../device/tpm/backend.js';

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
}

export interface World {
  lab: Lab;
  mdm: MdmServer;
  entra: EntraServer;
  /** The virtual devices scenarios made in this world, so a trainer can keep talking to them after the run. */
  devices: VirtualDevice[];
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
  const lab = new Lab({ ...opts, dataDir, tls });
  chooseTpm(lab, opts.tpm ?? 'soft');
  const entra = await startEntraServer({ lab, ...(opts.ports?.entra !== undefined && { port: opts.ports.entra }) });
  const mdm = await startMdmServer({
    lab,
    ...(opts.ports?.mdm !== undefined && { port: opts.ports.mdm }),
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
  return {
    lab,
    mdm,
    entra,
    devices: [],
    close: async () => {
      lab.gate.drain();
      await Promise.allSettled([mdm.close(), entra.close(), closeTpm(lab)]);
      lab.close();
    },
  };
}

const clients = new WeakMap<World, FleetClient>();

/**
 * The admin's client for the world's MDM server: Fleet's REST API with the admin token (what `serve --json` prints as
 * fleetApiToken) over HTTP(S) with the lab CA. Scenarios and the host change Fleet's state only through it.
 */
export function fleetClient(world: World): FleetClient {
  let c = clients.get(world);
  if (!c) {
    c = new FleetClient({ url: world.mdm.url, token: fleetApiToken(world.mdm.ctx), ...(world.lab.tls && { caPem: world.lab.tls.caPem }) });
    clients.set(world, c);
  }
  return c;
}

/** Whether the world's Fleet profile has a behaviour switch on: scenarios' expectations follow the Fleet they run against. */
export function fleetHas(world: World, id: FleetSwitchId): boolean {
  return world.mdm.ctx.fleet(id);
}
