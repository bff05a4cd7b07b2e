import type { DbView } from '../../app/contract';
import type { Slice } from './types';

/** One DB snapshot as the DB tab sees it: being fetched, fetched, or refused (a saved run without snapshots). */
export type DbEntry = { status: 'loading' } | { status: 'ready'; view: DbView } | { status: 'error'; error: string };

/** How many fetched snapshots are kept (oldest dropped first). */
export const DB_CACHE_SIZE = 64;

/** The key of a snapshot: snapshots never change once taken, so one per run and step. */
export const dbViewKey = (runId: string, step: number) => `${runId}:${step}`;

/** Every party's rows after a step (the DB tab), fetched once per run and step. */
export interface DbSlice {
  dbViews: ReadonlyMap<string, DbEntry>;
  setDbEntry(key: string, entry: DbEntry): void;
}

export const createDbSlice: Slice<DbSlice> = (set, get) => ({
  dbViews: new Map(),
  setDbEntry: (key, entry) => {
    const next = new Map(get().dbViews);
    next.delete(key);
    next.set(key, entry);
    for (const k of next.keys()) {
      if (next.size <= DB_CACHE_SIZE) break;
      if (next.get(k)?.status !== 'loading') next.delete(k);
    }
    set({ dbViews: next });
  },
});
