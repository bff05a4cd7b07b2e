import type { Lab, LabResponse } from '../lab/lab.js';
import type { Store } from '../lab/store.js';
import type { PartyId } from '../lab/step.js';
import type { StepKindId } from '../protocols/steps.js';
import type { Tpm } from './tpm/backend.js';
import type { CspTree } from './csp/tree.js';
import type { DeviceState } from './state.js';
import type { MsiLauncher } from './mdm/msi.js';

/** What every phase of the device gets. */
export interface DeviceContext {
  lab: Lab;
  store: Store;
  tpm: Tpm;
  csp: CspTree;
  state: DeviceState;
  entraUrl: string | null;
  drsUrl: string | null;
  mdmDiscoveryUrl: string | null;
  /** Installers the MSI job runs for a product code (orbit for Fleet's fleetd MSI). */
  launchers: Record<string, MsiLauncher>;
}

/** Who a request goes to, from its URL: Entra's token and DRS hosts are Entra; everything else the device talks to is the MDM server. */
export function partyOf(ctx: DeviceContext, url: string): PartyId {
  const origin = new URL(url).origin;
  const entra = [ctx.entraUrl, ctx.drsUrl].some((u) => u !== null && new URL(u).origin === origin);
  return entra ? 'entra' : 'mdm';
}

export interface SendArgs {
  from?: PartyId;
  to?: PartyId;
  catalogId: StepKindId;
  /** A title naming this occurrence; default: the catalog's. */
  title?: string;
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/** One HTTP exchange of the device, through the lab client (recorded, gated, real HTTP on loopback). */
export function send(ctx: DeviceContext, a: SendArgs): Promise<LabResponse> {
  return ctx.lab.send({
    from: a.from ?? 'device',
    to: a.to ?? partyOf(ctx, a.url),
    catalogId: a.catalogId,
    ...(a.title !== undefined && { title: a.title }),
    request: { method: a.method ?? (a.body === undefined ? 'GET' : 'POST'), url: a.url, headers: a.headers ?? {}, body: a.body ?? '' },
  });
}

/** A JSON reply, or an error naming the step and what came back. */
export function expectJson<T>(res: LabResponse, what: string): T {
  if (res.status < 200 || res.status >= 300) throw new Error(`${what}: HTTP ${res.status} ${res.text().slice(0, 300)}`);
  try {
    return res.json<T>();
  } catch {
    throw new Error(`${what}: the reply is not JSON: ${res.text().slice(0, 200)}`);
  }
}
