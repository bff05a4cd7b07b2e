import type { StepWatcher } from '../lab/lab.js';
import type { RawChange } from '../lab/changelog.js';
import type { Step } from '../lab/step.js';
import type { FleetClient } from '../lab/fleet-client.js';
import type { Hardware } from '../device/state.js';

type Json = Record<string, unknown>;

/**
 * "What Fleet shows" of an external Fleet after one step, as its REST API answered right after that step: per host of
 * the run, GET /hosts/:id, its List hosts entry (device_mapping=true), GET device_mapping and its activities; and the
 * global activity feed. The same shape the embedded server's view is computed in (app/host/db-view.ts).
 */
export interface FleetApiView {
  /** The step after which Fleet was asked (-1: before the first). */
  stepIndex: number;
  hosts: { id: number; getHost: Json; listEntry: Json; deviceMapping: Json; activities: Json }[];
  activities: Json;
  /** Where and when it was read. */
  fetched: { url: string; afterStep: number };
}

/**
 * The DB tab's per-step Fleet view for a run against an external Fleet: a step watcher that, after each step the MDM
 * was sent to, asks Fleet's host API what it now shows for the run's devices (found by `query=` on their SMBIOS UUID,
 * then serial, as an admin searches the Hosts page: listHostsEndpoint). Steps between Entra and the device change
 * nothing in Fleet, so they reuse the view before them. Its calls are no step of the timeline (admin reads).
 */
export class FleetApiViews implements StepWatcher {
  readonly party = 'mdm' as const;
  private readonly views: FleetApiView[] = [];
  private devices: () => readonly Hardware[] = () => [];

  constructor(
    private readonly client: FleetClient,
    private readonly url: string,
  ) {}

  /** The run's devices, whose hosts the view shows (a Fleet in use holds many more). */
  track(devices: () => readonly Hardware[]): void {
    this.devices = devices;
  }

  async after(step: Step): Promise<RawChange[]> {
    // Only a request to Fleet changes what Fleet shows (its own calls out, to Entra's JWKS, are not the lab's to send).
    if (step.to === 'mdm') this.views.push(await this.read(step.index));
    return [];
  }

  /** Every view read, in step order (a saved run keeps them: RunBundle.fleetViews). */
  all(): FleetApiView[] {
    return [...this.views].sort((a, b) => a.stepIndex - b.stepIndex);
  }

  private async read(stepIndex: number): Promise<FleetApiView> {
    const entries = new Map<number, Json>();
    for (const hw of this.devices()) {
      for (const key of [hw.hardwareUuid, hw.serial]) {
        const found = (await this.client.hosts({ deviceMapping: true, query: key })).filter((h) => h.uuid === hw.hardwareUuid || (hw.serial !== '' && h.hardware_serial === hw.serial));
        for (const h of found) entries.set(h.id, h as unknown as Json);
        if (found.length > 0) break;
      }
    }
    const hosts = await Promise.all(
      [...entries].sort(([a], [b]) => a - b).map(async ([id, listEntry]) => {
        const [getHost, deviceMapping, activities] = await Promise.all([this.client.host(id), this.client.deviceMapping(id), this.client.hostActivities(id)]);
        return { id, getHost: { host: getHost } as Json, listEntry, deviceMapping: deviceMapping as unknown as Json, activities: activities as unknown as Json };
      }),
    );
    const activities = (await this.client.activities()) as unknown as Json;
    return { stepIndex, hosts, activities, fetched: { url: this.url, afterStep: stepIndex } };
  }
}
