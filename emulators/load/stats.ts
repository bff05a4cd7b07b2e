/** Latency percentiles of one phase, milliseconds. */
export interface Percentiles {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles (the value at rank ⌈p·n⌉), rounded to 0.1 ms. */
export function percentiles(xs: readonly number[]): Percentiles {
  const s = [...xs].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  const at = (p: number) => (s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!);
  const mean = s.length === 0 ? 0 : s.reduce((a, b) => a + b, 0) / s.length;
  return { n: s.length, p50: r(at(0.5)), p90: r(at(0.9)), p99: r(at(0.99)), max: r(s[s.length - 1] ?? 0), mean: r(mean) };
}

/** The phases of a device's story, in order; `device` is the whole of it. */
export const PHASES = ['join', 'prt', 'enroll', 'management', 'orbit', 'device'] as const;
export type Phase = (typeof PHASES)[number];

/** Wall time spent in each phase of one device; a phase may be entered more than once (management sessions). */
export class PhaseTimer {
  readonly ms: Partial<Record<Phase, number>> = {};
  private current: Phase | null = null;
  /** The phase an error was thrown in, if one was. */
  failed: Phase | null = null;

  async time<T>(phase: Phase, fn: () => Promise<T>): Promise<T> {
    const outer = this.current;
    this.current = phase;
    const t0 = performance.now();
    try {
      return await fn();
    } catch (e) {
      // The innermost phase a failure came from names its kind.
      this.failed ??= phase;
      throw e;
    } finally {
      const d = performance.now() - t0;
      this.ms[phase] = (this.ms[phase] ?? 0) + d;
      // A phase nested in another (orbit, started by a management session's MSI job) is not the outer's time;
      // `device` is the whole story, nested phases included.
      if (outer && outer !== 'device') this.ms[outer] = (this.ms[outer] ?? 0) - d;
      this.current = outer;
    }
  }
}
