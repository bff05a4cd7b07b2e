import { percentiles, PHASES, type Percentiles, type Phase } from './stats.js';
import type { Shard } from './shard.js';

/** One device of the summary: who it was and whether its whole story held. */
export interface DeviceRecord {
  index: number;
  hardwareUuid: string;
  serial: string;
  deviceName: string;
  upn: string;
  ok: boolean;
  /** Authentication prompts the user saw on this device. */
  prompts: number;
}

export interface ErrorKind {
  kind: string;
  count: number;
  /** One message of this kind, as it was thrown. */
  sample: string;
  /** The device it came from (its global index). */
  sampleDevice: number;
}

/** What `load --json` writes, and what `load merge` reads and writes. */
export interface LoadSummary {
  kind: 'enrollscope-load';
  version: 1;
  scenario: string;
  seed: string;
  keys: 'pooled' | 'fresh';
  /** `embedded`, or `external` (load --mdm-url) with its URL in targetUrl. */
  target: string;
  targetUrl?: string;
  /** What the load could not set on the external Fleet and its operator must (world.ts MdmTarget.notes). */
  notes?: string[];
  /** The shards this summary covers (one for a shard's own summary). */
  shards: Shard[];
  concurrency: number;
  devices: number;
  ok: number;
  failed: number;
  wallMs: number;
  devicesPerS: number;
  /** Latency of each phase over the devices that reached it; `device` is a device's whole story. */
  latency: Record<Phase, Percentiles>;
  errors: ErrorKind[];
  peakRssMb: number;
  /**
   * CPU time the process used while its devices ran, every thread counted (servers, device workers, key generation;
   * getrusage via process.cpuUsage): cpuMs ÷ devices is what a device costs, cpuMs ÷ (wallMs × cores) how busy the
   * machine was. Summed over shards.
   */
  cpuMs: number;
  /** Rows per table of each server's DB at the end (sums over shards: every shard has its own world). */
  rows: Record<string, Record<string, number>>;
  /** Wall time of each phase per device, in device order, for merging percentiles exactly. */
  samples: Record<Phase, number[]>;
  deviceList: DeviceRecord[];
  /** Identities more than one device of the merged shards had (should be 0: shards are disjoint). */
  duplicateIdentities?: number;
}

export function latencyOf(samples: Record<Phase, number[]>): Record<Phase, Percentiles> {
  return Object.fromEntries(PHASES.map((p) => [p, percentiles(samples[p])])) as Record<Phase, Percentiles>;
}

/** Error kinds with counts; the first sample of each kind is kept. */
export function mergeErrors(lists: ErrorKind[][]): ErrorKind[] {
  const by = new Map<string, ErrorKind>();
  for (const list of lists) for (const e of list) {
    const had = by.get(e.kind);
    if (had) had.count += e.count;
    else by.set(e.kind, { ...e });
  }
  return [...by.values()].sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}

/**
 * Shard summaries as one. The shards ran at the same time (an Indexed Job's pods), so the fleet's wall time is the
 * slowest shard's and its rate is every device over that; latencies are recomputed from every sample.
 */
export function mergeSummaries(parts: LoadSummary[]): LoadSummary {
  if (parts.length === 0) throw new Error('load merge needs at least one summary');
  for (const p of parts) if (p.kind !== 'enrollscope-load' || p.version !== 1) throw new Error('not a load summary (enrollscope load --json writes them)');
  const first = parts[0]!;
  const mixed = parts.find((p) => p.scenario !== first.scenario || p.seed !== first.seed || p.keys !== first.keys);
  if (mixed) throw new Error(`the summaries are of different loads (scenario/seed/keys ${first.scenario}/${first.seed}/${first.keys} and ${mixed.scenario}/${mixed.seed}/${mixed.keys})`);
  const shards = parts.flatMap((p) => p.shards).sort((a, b) => a.index - b.index);
  const seenShard = new Set<number>();
  for (const s of shards) {
    if (seenShard.has(s.index)) throw new Error(`shard ${s.index}/${s.count} is in more than one summary`);
    seenShard.add(s.index);
  }
  const samples = Object.fromEntries(PHASES.map((ph) => [ph, parts.flatMap((p) => p.samples[ph])])) as Record<Phase, number[]>;
  const rows: Record<string, Record<string, number>> = {};
  for (const p of parts) for (const [party, tables] of Object.entries(p.rows)) {
    const into = (rows[party] ??= {});
    for (const [t, n] of Object.entries(tables)) into[t] = (into[t] ?? 0) + n;
  }
  const deviceList = parts.flatMap((p) => p.deviceList).sort((a, b) => a.index - b.index);
  const wallMs = Math.max(...parts.map((p) => p.wallMs));
  const devices = parts.reduce((a, p) => a + p.devices, 0);
  return {
    kind: 'enrollscope-load',
    version: 1,
    scenario: first.scenario,
    seed: first.seed,
    keys: first.keys,
    target: first.target,
    ...(first.targetUrl !== undefined && { targetUrl: first.targetUrl }),
    ...(first.notes !== undefined && { notes: first.notes }),
    shards,
    concurrency: parts.reduce((a, p) => a + p.concurrency, 0),
    devices,
    ok: parts.reduce((a, p) => a + p.ok, 0),
    failed: parts.reduce((a, p) => a + p.failed, 0),
    wallMs,
    devicesPerS: wallMs > 0 ? round(devices / (wallMs / 1000)) : 0,
    latency: latencyOf(samples),
    errors: mergeErrors(parts.map((p) => p.errors)),
    peakRssMb: Math.max(...parts.map((p) => p.peakRssMb)),
    cpuMs: round(parts.reduce((a, p) => a + p.cpuMs, 0)),
    rows,
    samples,
    deviceList,
    duplicateIdentities: duplicates(deviceList),
  };
}

/** Devices sharing a hardware UUID, serial or user with an earlier one. */
export function duplicates(list: DeviceRecord[]): number {
  const seen = { uuid: new Set<string>(), serial: new Set<string>(), upn: new Set<string>() };
  let n = 0;
  for (const d of list) {
    const dup = seen.uuid.has(d.hardwareUuid) || seen.serial.has(d.serial) || seen.upn.has(d.upn.toLowerCase());
    if (dup) n++;
    seen.uuid.add(d.hardwareUuid);
    seen.serial.add(d.serial);
    seen.upn.add(d.upn.toLowerCase());
  }
  return n;
}

export const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
