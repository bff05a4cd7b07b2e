import { Lab, type LabOptions } from '../lab/lab.js';
import { startMdmServer, type MdmServer } from '../mdm/server.js';
import { startEntraServer, type EntraServer } from '../entra/server.js';
import type { MdmSettings } from '../mdm/settings.js';
import type { VirtualDevice } from '../device/index.js';

/**
 * A world: one lab and the server parties listening in it, configured to trust each other the way a Fleet admin
 * wires Fleet to an Entra tenant (windows_entra_tenant_ids, the MDM app's client id, the JWKS, the IdP for SSO).
 * Scenarios and the host start one per run; client parties (the device, orbit) are made by scenarios on top.
 */
export interface WorldOptions extends LabOptions {
  /** Reuse these ports (a new run keeps the URLs outside clients were given). */
  ports?: { mdm?: number; entra?: number };
  mdmSettings?: Partial<MdmSettings>;
}

export interface World {
  lab: Lab;
  mdm: MdmServer;
  entra: EntraServer;
  /** The virtual devices scenarios made in this world, so a trainer can keep talking to them after the run. */
  devices: VirtualDevice[];
  close(): Promise<void>;
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const lab = new Lab(opts);
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
      await Promise.allSettled([mdm.close(), entra.close()]);
      lab.close();
    },
  };
}
