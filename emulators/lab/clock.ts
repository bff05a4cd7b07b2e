/**
 * The lab clock: every party reads time here. By default it follows real time (so outside clients with real
 * clocks agree); a seeded run pins it to a fixed instant. `advance` moves it forward in both modes.
 */
export class LabClock {
  private offsetMs = 0;
  private pinnedAt: number | null;
  private readonly listeners = new Set<(now: number) => void>();

  constructor(pinnedAt: number | null = null) {
    this.pinnedAt = pinnedAt;
  }

  /** Milliseconds since the epoch, lab time. */
  now(): number {
    return (this.pinnedAt ?? Date.now()) + this.offsetMs;
  }

  date(): Date {
    return new Date(this.now());
  }

  /** Seconds since the epoch, as JWT `iat`/`exp` want it. */
  seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  get pinned(): boolean {
    return this.pinnedAt !== null;
  }

  get offset(): number {
    return this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the lab clock only moves forward');
    this.offsetMs += ms;
    for (const l of this.listeners) l(this.now());
  }

  /** Restore a clock reading taken with `state()` (used by step back). */
  restore(state: { offsetMs: number }): void {
    this.offsetMs = state.offsetMs;
    for (const l of this.listeners) l(this.now());
  }

  state(): { offsetMs: number } {
    return { offsetMs: this.offsetMs };
  }

  onChange(listener: (now: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
