import type { Lab } from '../lab/lab.js';
import type { Store } from '../lab/store.js';
import { readSettings, type MdmSettings } from './settings.js';
import { profileHas } from './profiles/profiles.js';
import type { FleetSwitchId } from './profiles/switches.js';

/** What every MDM route module gets: the lab (clock, ids), the Fleet store and the settings. */
export interface MdmContext {
  lab: Lab;
  store: Store;
  /** The settings as stored now (read again only after the store has committed a write or been restored). */
  settings(): MdmSettings;
  /** Lab time as Fleet's DATETIME(6) text. */
  nowIso(): string;
  /** Absolute URL on this server for a path, joined under server_url's own path (Fleet's commonmdm.ResolveURL). */
  url(path: string): string;
  /** Whether the Fleet profile of this server has a behaviour switch on (profiles/switches.ts). */
  fleet(id: FleetSwitchId): boolean;
}

export function createMdmContext(lab: Lab, store: Store): MdmContext {
  // One request asks for the settings several times (route guard, token checks, URLs) before its one transaction;
  // the store's write count says when the rows may have changed (a write, a step back).
  let read: { writes: number; settings: MdmSettings } | undefined;
  const settings = (): MdmSettings => {
    if (read?.writes !== store.writeCount) read = { writes: store.writeCount, settings: readSettings(store) };
    return read.settings;
  };
  return {
    lab,
    store,
    settings,
    nowIso: () => lab.clock.date().toISOString(),
    url: (path) => new URL(path.replace(/^\/+/, ''), settings().serverUrl + '/').toString(),
    fleet: (id) => profileHas(settings().fleetProfile, id),
  };
}
