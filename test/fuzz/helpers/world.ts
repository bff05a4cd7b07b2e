import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startWorld, type World } from '../../../emulators/scenarios/world.js';
import { findScenario } from '../../../emulators/scenarios/index.js';
import type { Store } from '../../../emulators/lab/store.js';
import { STEP_HEADER } from '../../../emulators/lab/context.js';

/**
 * One world per fuzz file: a scenario runs once against it, and the requests its client parties sent are the valid
 * seeds the arbitraries mutate (the recorder keeps each step's request as sent). Inputs then go straight to the
 * servers over loopback, so one input costs one HTTP round trip, not a scenario.
 */

export interface WireRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /**
   * Send inside this lab step (the lab's step header), as the lab's own clients do: the recorder then decodes the
   * step once, not once per input (its token and protocol decoding costs more than most handlers).
   */
  stepId?: string;
}

export interface WireResponse {
  status: number;
  contentType: string;
  body: string;
  /** The Location of a redirect. */
  location: string;
}

export interface FuzzWorld {
  world: World;
  /** The n-th (default first) request the scenario sent under this catalog id. */
  captured(catalogId: string, nth?: number): WireRequest;
  close(): Promise<void>;
}

// Headers that belong to one connection or one body, not to the request: fetch sets them itself.
const HOP = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'accept-encoding']);

export async function fuzzWorld(seed: string, scenario = 'autopilot-eua'): Promise<FuzzWorld> {
  const world = await startWorld({ dataDir: mkdtempSync(join(tmpdir(), 'es-fuzz-')), seed });
  await findScenario(scenario)!.run(world, {});
  const steps = world.lab.recorder.all();
  return {
    world,
    captured(catalogId, nth = 0) {
      const s = steps.filter((st) => st.catalogId === catalogId && st.request)[nth];
      if (!s?.request) throw new Error(`the scenario sent no ${catalogId} #${nth}`);
      const headers = Object.fromEntries(Object.entries(s.request.headers).filter(([k]) => !HOP.has(k.toLowerCase())));
      return { method: s.request.method, url: s.request.url, headers, body: s.request.body, stepId: s.id };
    },
    close: async () => {
      await world.close();
      rmSync(world.lab.dataDir, { recursive: true, force: true });
    },
  };
}

/** Send one request as an outside client would (no lab step header); a hang fails the input after 10 s. */
export async function send(req: WireRequest): Promise<WireResponse> {
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const res = await fetch(req.url, {
    method: req.method,
    headers: req.stepId ? { ...req.headers, [STEP_HEADER]: req.stepId } : req.headers,
    ...(hasBody && { body: req.body }),
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text(), location: res.headers.get('location') ?? '' };
}

/** The DB file's bytes: the same before and after every input of a property (bad input changes nothing). */
export function dbBytes(store: Store): Buffer {
  return store.fileBytes();
}
