import type { FleetProfileName, RunBundle } from '../../app/contract';
import { api, type ApiClient } from '../api/client';
import { useLab } from './index';
import type { LabStoreApi } from './types';
import type { CompareSource } from './compare';
import { defaultSides } from './selectors/compare';
import { readBundleFile } from '../lib/bundle-file';

/** The compare view does not need the DB snapshots of an opened file: the endpoint compares steps only. */
const withoutSnapshots = ({ snapshots: _s, ...rest }: RunBundle): RunBundle => rest;

/** What the compare view does, on `store` through `client`; the alignment itself is computed on the host. */
export function createCompareActions(store: LabStoreApi, client: ApiClient = api) {
  /** Finished runs never change: their bundles are fetched once. */
  const bundles = new Map<string, RunBundle>();

  async function bundleOf(src: CompareSource): Promise<RunBundle> {
    if (src.kind === 'file') return src.bundle;
    const hit = src.runId === 'current' ? undefined : bundles.get(src.runId);
    if (hit) return hit;
    const b = await client.runBundle(src.runId);
    if (src.runId !== 'current') bundles.set(src.runId, b);
    return b;
  }

  async function compareNow(): Promise<void> {
    const s = store.getState();
    const { a, b } = s.sides;
    if (!a || !b) return;
    s.setCompareBusy(true);
    try {
      const [ba, bb] = await Promise.all([bundleOf(a), bundleOf(b)]);
      const result = a.kind === 'run' && b.kind === 'run' ? await client.compareRuns(a.runId, b.runId) : await client.compareBundles(withoutSnapshots(ba), withoutSnapshots(bb));
      const now = store.getState();
      if (now.sides.a !== a || now.sides.b !== b) return; // the user picked something else meanwhile
      now.setComparison({ result, a: ba, b: bb });
      now.setCompareError(null);
    } catch (e) {
      store.getState().setCompareError((e as Error).message);
    } finally {
      store.getState().setCompareBusy(false);
    }
  }

  async function refreshRuns(): Promise<void> {
    try {
      store.getState().setRuns(await client.runs());
    } catch (e) {
      store.getState().setCompareError((e as Error).message);
    }
  }

  /** Open the compare view: list this session's runs and, the first time, compare the two newest. */
  async function openCompare(): Promise<void> {
    const s = store.getState();
    s.setCompareOpen(true);
    s.setConsoleOpen(false);
    await refreshRuns();
    const now = store.getState();
    if (!now.sides.a && !now.sides.b) {
      const d = defaultSides(now.runs);
      now.setSide('a', d.a);
      now.setSide('b', d.b);
    }
    await compareNow();
  }

  async function pickSide(which: 'a' | 'b', src: CompareSource | null): Promise<void> {
    store.getState().setSide(which, src);
    await compareNow();
  }

  /** A bundle file picked with the file input, read in the browser. */
  async function pickFile(which: 'a' | 'b', file: File): Promise<void> {
    try {
      const bundle = await readBundleFile(file);
      await pickSide(which, { kind: 'file', name: file.name, bundle });
    } catch (e) {
      store.getState().setCompareError((e as Error).message);
    }
  }

  /**
   * "Profile A vs B": the host runs the chosen scenario (its options and seed) under Fleet profile A, then B, in this
   * session; both runs become the two sides and their comparison is shown.
   */
  async function compareProfiles(a: FleetProfileName, b: FleetProfileName): Promise<void> {
    const s = store.getState();
    if (s.compareBusy) return;
    s.setCompareBusy(true);
    s.setCompareError(null);
    try {
      const reply = await client.compareProfiles({ scenario: s.scenario, options: s.options, a, b, seed: s.seed.trim() || null });
      const [ba, bb] = await Promise.all([bundleOf({ kind: 'run', runId: reply.a }), bundleOf({ kind: 'run', runId: reply.b })]);
      await refreshRuns();
      const now = store.getState();
      now.setSide('a', { kind: 'run', runId: reply.a });
      now.setSide('b', { kind: 'run', runId: reply.b });
      now.setComparison({ result: reply.result, a: ba, b: bb });
    } catch (e) {
      store.getState().setCompareError((e as Error).message);
    } finally {
      store.getState().setCompareBusy(false);
    }
  }

  return { compareNow, refreshRuns, openCompare, pickSide, pickFile, compareProfiles };
}

export type CompareActions = ReturnType<typeof createCompareActions>;

/** The app's compare actions, on its one store. */
export const compareActions: CompareActions = createCompareActions(useLab);
export const { compareNow, refreshRuns, openCompare, pickSide, pickFile, compareProfiles } = compareActions;
