import fc from 'fast-check';
import { statSync } from 'node:fs';
import type { Store } from '../../../emulators/lab/store.js';
import type { Mutant } from './mutate.js';
import type { Shape } from './shapes.js';
import { send, type WireRequest, type WireResponse } from './world.js';

/** One endpoint's figures for the closing table: inputs sent, answered with success, refused with the protocol's error. */
export interface EndpointStats {
  endpoint: string;
  inputs: number;
  accepted: number;
  refused: number;
}

export const STATS: EndpointStats[] = [];
/** FUZZ_PROFILE=1: time spent per mutation kind, printed after each endpoint (to keep the suite inside its budget). */
const PROFILE = process.env.FUZZ_PROFILE ? new Map<string, number>() : null;

export interface FuzzOptions {
  endpoint: string;
  /** The party's store: its file must not change on any refused input. */
  store: Store;
  valid: WireRequest;
  mutant: fc.Arbitrary<Mutant>;
  shape: Shape;
  seed: number;
  numRuns?: number;
}

/** The request a mutant makes of the valid one. */
export function apply(valid: WireRequest, m: Mutant): WireRequest {
  const url = m.path === undefined ? valid.url : new URL(m.path, valid.url).toString();
  return { ...valid, url, body: m.body, headers: { ...valid.headers, ...m.headers } };
}

/**
 * Send every mutant; each answer must have the protocol's shape, a refusal must leave the DB file's bytes as they
 * were, and a `breaks` mutant must be refused. An input the server accepts (a still-valid request, e.g. a new
 * device name) may write; the store is put back to the scenario's state after the property.
 */
/** What changes with every write to the file: cheap to read per input; the bytes are compared every FULL_EVERY inputs. */
function fileStamp(store: Store): string {
  const st = statSync(store.file, { bigint: true });
  return `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${store.writeCount}`;
}
const FULL_EVERY = 20;
/** Inputs per endpoint: 1,000 (issue #14); FUZZ_RUNS scales a local run (a deeper soak, or a quick check). */
const RUNS = Number(process.env.FUZZ_RUNS) > 0 ? Number(process.env.FUZZ_RUNS) : 1000;

export async function fuzzEndpoint(o: FuzzOptions): Promise<EndpointStats> {
  const initial = o.store.fileBytes();
  // The state the next input meets: the initial file, or the file after the last accepted input that wrote.
  let before = initial;
  let stamp = fileStamp(o.store);
  let accepted = false;
  const unchanged = (i: number) => fileStamp(o.store) === stamp && (i % FULL_EVERY !== 0 || o.store.fileBytes().equals(before));
  const stats: EndpointStats = { endpoint: o.endpoint, inputs: 0, accepted: 0, refused: 0 };
  STATS.push(stats);
  await fc.assert(
    fc.asyncProperty(o.mutant, async (m) => {
      stats.inputs++;
      let res: WireResponse;
      const t0 = performance.now();
      try {
        res = await send(apply(o.valid, m));
        if (PROFILE) {
          const k = m.label.split(/[ @]/)[0]!;
          PROFILE.set(k, (PROFILE.get(k) ?? 0) + performance.now() - t0);
        }
      } catch (e) {
        throw new Error(`the server did not answer (${(e as Error).message})`);
      }
      const verdict = o.shape(res);
      const same = unchanged(stats.inputs);
      if (verdict === 'error') {
        stats.refused++;
        if (!same) throw new Error(`a refused input wrote to the DB: HTTP ${res.status} ${res.body.slice(0, 300)}`);
        return;
      }
      stats.accepted++;
      if (m.breaks) throw new Error(`a broken input was accepted: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      if (!same) {
        // A still-valid request wrote (a nonce, a device code, a new enrollment): later refusals compare with this.
        before = o.store.fileBytes();
        stamp = fileStamp(o.store);
        accepted = true;
      }
    }),
    { numRuns: o.numRuns ?? RUNS, seed: o.seed, endOnFailure: true },
  );
  if (PROFILE) {
    console.log(o.endpoint, [...PROFILE].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${v.toFixed(0)}ms`).join(', '));
    PROFILE.clear();
  }
  if (!o.store.fileBytes().equals(before)) throw new Error(`${o.endpoint}: the DB file changed after the last input`);
  // What accepted inputs wrote goes: the next property and the valid request meet the world as the scenario left it.
  if (accepted) o.store.restore(initial);
  if (process.env.FUZZ_STATS) console.log(`FUZZ_STATS ${JSON.stringify(stats)}`);
  return stats;
}

/** After the property: the DB file is the one before it, and the valid request still gets its success answer. */
export async function stillServes(valid: WireRequest, shape: Shape): Promise<WireResponse> {
  const res = await send(valid);
  if (shape(res) !== 'ok') throw new Error(`the valid request no longer succeeds: HTTP ${res.status} ${res.body.slice(0, 300)}`);
  return res;
}
