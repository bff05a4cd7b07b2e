import type { RunBundle } from '../../app/contract';
import { api } from '../api/client';
import { useLab } from './index';
import type { CompareSource } from './compare';
import { defaultSides } from './selectors/compare';
import { readBundleFile } from '../lib/bundle-file';

/** What the compare view does: each calls the typed client; the alignment itself is computed on the host. */

/** Finished runs never change: their bundles are fetched once. */
const bundles = new Map<string, RunBundle>();

async function bundleOf(src: CompareSource): Promise<RunBundle> {
  if (src.kind === 'file') return src.bundle;
  const hit = src.runId === 'current' ? undefined : bundles.get(src.runId);
  if (hit) return hit;
  const b = await api.runBundle(src.runId);
  if (src.runId !== 'current') bundles.set(src.runId, b);
  return b;
}

/** The compare endpoint needs steps only: leave the DB snapshots of an opened file behind. */
const withoutSnapshots = ({ snapshots: _s, ...rest }: RunBundle): RunBundle => rest;

export async function compareNow(): Promise<void> {
  const s = useLab.getState();
  const { a, b } = s.sides;
  if (!a || !b) return;
  s.setCompareBusy(true);
  try {
    const [ba, bb] = await Promise.all([bundleOf(a), bundleOf(b)]);
    const result = a.kind === 'run' && b.kind === 'run' ? await api.compareRuns(a.runId, b.runId) : await api.compareBundles(withoutSnapshots(ba), withoutSnapshots(bb));
    const now = useLab.getState();
    if (now.sides.a !== a || now.sides.b !== b) return; // the user picked something else meanwhile
    now.setComparison({ result, a: ba, b: bb });
    now.setCompareError(null);
  } catch (e) {
    useLab.getState().setCompareError((e as Error).message);
  } finally {
    useLab.getState().setCompareBusy(false);
  }
}

export async function refreshRuns(): Promise<void> {
  try {
    useLab.getState().setRuns(await api.runs());
  } catch (e) {
    useLab.getState().setCompareError((e as Error).message);
  }
}

/** Open the compare view: list this session's runs and, the first time, compare the two newest. */
export async function openCompare(): Promise<void> {
  const s = useLab.getState();
  s.setCompareOpen(true);
  s.setConsoleOpen(false);
  await refreshRuns();
  const now = useLab.getState();
  if (!now.sides.a && !now.sides.b) {
    const d = defaultSides(now.runs);
    now.setSide('a', d.a);
    now.setSide('b', d.b);
  }
  await compareNow();
}

export async function pickSide(which: 'a' | 'b', src: CompareSource | null): Promise<void> {
  useLab.getState().setSide(which, src);
  await compareNow();
}

/** A bundle file picked with the file input, read in the browser. */
export async function pickFile(which: 'a' | 'b', file: File): Promise<void> {
  try {
    const bundle = await readBundleFile(file);
    await pickSide(which, { kind: 'file', name: file.name, bundle });
  } catch (e) {
    useLab.getState().setCompareError((e as Error).message);
  }
}
