import type { Store } from './store.js';
import type { PartyId } from './step.js';

/** The world after a step: every party's DB image plus the clock and id stream positions. */
export interface Snapshot {
  images: Map<PartyId, Buffer>;
  clock: { offsetMs: number };
  ids: { counter: number };
}

/**
 * Per-step snapshots. A store that wrote nothing since the last snapshot shares the previous image, so a long
 * run costs only the images of the stores that changed.
 */
export class Snapshots {
  private readonly byIndex = new Map<number, Snapshot>();
  private last: { images: Map<PartyId, Buffer>; writes: Map<PartyId, number> } | null = null;

  take(index: number, stores: Iterable<Store>, clock: { offsetMs: number }, ids: { counter: number }): Snapshot {
    const images = new Map<PartyId, Buffer>();
    const writes = new Map<PartyId, number>();
    for (const s of stores) {
      const prev = this.last;
      const same = prev && prev.writes.get(s.party) === s.writeCount && prev.images.has(s.party);
      images.set(s.party, same ? prev.images.get(s.party)! : s.serialize());
      writes.set(s.party, s.writeCount);
    }
    this.last = { images, writes };
    const snap = { images, clock: { ...clock }, ids: { ...ids } };
    this.byIndex.set(index, snap);
    return snap;
  }

  get(index: number): Snapshot | undefined {
    return this.byIndex.get(index);
  }

  /** Put every store back as it was after step `index` (-1: before the first step). */
  restore(index: number, stores: Iterable<Store>): Snapshot {
    const snap = this.byIndex.get(index);
    if (!snap) throw new Error(`no snapshot after step ${index}`);
    const writes = new Map<PartyId, number>();
    for (const s of stores) {
      const image = snap.images.get(s.party);
      if (image) s.restore(image);
      writes.set(s.party, s.writeCount);
    }
    this.last = { images: new Map(snap.images), writes };
    return snap;
  }

  /** Total bytes held, counting a shared image once. */
  bytes(): number {
    const seen = new Set<Buffer>();
    let n = 0;
    for (const s of this.byIndex.values()) for (const b of s.images.values()) if (!seen.has(b)) (seen.add(b), (n += b.length));
    return n;
  }

  clear(): void {
    this.byIndex.clear();
    this.last = null;
  }
}
