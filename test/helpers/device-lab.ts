import { tempLab } from './lab.js';
import type { Lab } from '../../emulators/lab/lab.js';
import { startEntraServer, type EntraServer } from '../../emulators/entra/server.js';
import { startMdmServer, type MdmServer } from '../../emulators/mdm/server.js';
import type { MdmSettings } from '../../emulators/mdm/settings.js';

/** A lab with the real Entra and MDM servers, the MDM trusting this Entra tenant (Fleet's automatic enrollment). */
export async function deviceLab(seed: string, settings: Partial<MdmSettings> = {}): Promise<{ lab: Lab; entra: EntraServer; mdm: MdmServer; dispose: () => Promise<void> }> {
  const { lab, dispose } = tempLab({ seed });
  const entra = await startEntraServer({ lab });
  const mdm = await startMdmServer({
    lab,
    settings: { entraTenantIds: [entra.tenantId], entraClientIds: [entra.mdmAppId], azureJwksUri: entra.jwksUrl, ...settings },
  });
  return {
    lab,
    entra,
    mdm,
    dispose: async () => {
      await mdm.close();
      await entra.close();
      dispose();
    },
  };
}
