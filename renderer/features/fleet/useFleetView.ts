import { useEffect, useState } from 'react';
import type { FleetView } from '../../../app/contract';
import { api } from '../../api/client';
import { useLab } from '../../store';

type Entry = { status: 'loading' } | { status: 'ready'; view: FleetView } | { status: 'error'; error: string };

/** Fetched answers by run and step: a step's snapshot never changes once taken (as the DB slice's dbViewKey). */
const cache = new Map<string, Promise<FleetView>>();
const CACHE_SIZE = 32;

function load(key: string, step: number): Promise<FleetView> {
  let p = cache.get(key);
  if (!p) {
    p = api.fleetView(step);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
    for (const k of cache.keys()) if (cache.size > CACHE_SIZE) cache.delete(k);
  }
  return p;
}

/** What Fleet's REST API answers after `step` of the run on screen (computed by the host from that step's snapshot). */
export function useFleetView(step: number): Entry {
  const runId = useLab((s) => s.lab?.runId ?? '');
  const key = `${runId}:${step}`;
  const [entry, setEntry] = useState<{ key: string; e: Entry }>({ key, e: { status: 'loading' } });
  useEffect(() => {
    let live = true;
    setEntry({ key, e: { status: 'loading' } });
    load(key, step).then(
      (view) => live && setEntry({ key, e: { status: 'ready', view } }),
      (err: Error) => live && setEntry({ key, e: { status: 'error', error: err.message } }),
    );
    return () => {
      live = false;
    };
  }, [key, step]);
  return entry.key === key ? entry.e : { status: 'loading' };
}
