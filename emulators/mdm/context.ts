import type { Lab } from '../lab/lab.js';
import type { Store } from '../lab/store.js';
import { readSettings, type MdmSettings } from './settings.js';

/** What every MDM route module gets: the lab (clock, ids), the Fleet store and the settings. */
export interface MdmContext {
  lab: Lab;
  store: Store;
  settings(): MdmSettings;
  /** Lab time as Fleet's DATETIME(6) text. */
  nowIso(): string;
  /** Absolute URL on this server for a path, joined under server_url's own path (Fleet's commonmdm.ResolveURL). */
  url(path: string): string;
}

export function createMdmContext(lab: Lab, store: Store): MdmContext {
  return {
    lab,
    store,
    settings: () => readSettings(store),
    nowIso: () => lab.clock.date().toISOString(),
    url: (path) => new URL(path.replace(/^\/+/, ''), readSettings(store).serverUrl + '/').toString(),
  };
}
