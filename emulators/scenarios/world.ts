import { Lab, type LabOptions } from '../lab/lab.js';
import { startMdmServer, type MdmServer } from '../mdm/server.js';
import type { MdmSettings } from '../mdm/settings.js';

/**
 * A world: one lab and the server parties listening in it. Scenarios and the host start one per run; client
 * parties (the device, orbit) are made by scenarios on top of it.
 */
export interface WorldOptions extends LabOptions {
  /** Reuse these ports (a new run keeps the URLs outside clients were given). */
  ports?: { mdm?: number; entra?: number };
  mdmSettings?: Partial<MdmSettings>;
}

export interface World {
  lab: Lab;
  mdm: MdmServer;
  entra: null;
  close(): Promise<void>;
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const lab = new Lab(opts);
  const mdm = await startMdmServer({ lab, ...(opts.ports?.mdm !== undefined && { port: opts.ports.mdm }), settings: { ...opts.mdmSettings } });
  lab.markStart();
  return {
    lab,
    mdm,
    entra: null,
    close: async () => {
      lab.gate.drain();
      await mdm.close();
      lab.close();
    },
  };
}
