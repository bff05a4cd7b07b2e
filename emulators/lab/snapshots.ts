import { createHash } from 'node:crypto';
import type { Store } from './store.js';
import type { PartyId } from './step.js';

/**
 * A DB image kept as references to its pages. SQLite files are arrays of fixed-size pages and a step changes
 * few of them, so images that share pages share memory: a 1,000-step run costs the pages that changed, not
 * 1,000 copies of every DB.
 */
export interface PagedImage {
  pageSize: number;
  pages: string[];
  bytes: number;
}

/** The world after a step: every party's DB image plus the clock and id stream positions. */
export interface Snapshot {
  images: Map<PartyId, PagedImage>;
  clock: { offsetMs: number };
  ids: { counter: number };
}

/** Every snapshot of a run in a portable form (bundles): each distinct page once, as base64. */
export interface SnapshotArchive {
  pages: Record<string, string>;
  /** step index (as a string, -1 = before the first step) → party → its image. */
  images: Record<string, Record<string, PagedImage>>;
}

/** Page size from the SQLite header (bytes 16–17, big-endian; 1 means 65,536). */
function pageSizeOf(image: Buffer): number {
  if (image.length < 100) return image.length || 1;
  const v = image.readUInt16BE(16);
  return v === 1 ? 65536 : v;
}

/** Content-addressed page store shared by every snapshot of a lab. */
class PagePool {
  private readonly pages = new Map<string, Buffer>();
  private total = 0;

  put(image: Buffer): PagedImage {
    const pageSize = pageSizeOf(image);
    const refs: string[] = [];
    for (let off = 0; off < image.length; off += pageSize) {
      const page = image.subarray(off, Math.min(off + pageSize, image.length));
      const key = createHash('sha1').update(page).digest('base64');
      if (!this.pages.has(key)) {
        // Copy: the serialized buffer is reused by nobody, but a page must not pin the whole image.
        this.pages.set(key, Buffer.from(page));
        this.total += page.length;
      }
      refs.push(key);
    }
    return { pageSize, pages: refs, bytes: image.length };
  }

  get(image: PagedImage): Buffer {
    return Buffer.concat(image.pages.map((k) => this.pages.get(k)!), image.bytes);
  }

  get bytes(): number {
    return this.total;
  }

  clear(): void {
    this.pages.clear();
    this.total = 0;
  }

  encode(keys: Iterable<string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of keys) out[k] = this.pages.get(k)!.toString('base64');
    return out;
  }
}

/** Two images of the same bytes: the same pages in the same order (pages are content-addressed). */
function sameImage(a: PagedImage, b: PagedImage): boolean {
  return a === b || (a.bytes === b.bytes && a.pages.length === b.pages.length && a.pages.every((k, i) => k === b.pages[i]));
}

/** Read DB images back out of a SnapshotArchive (a saved run opened for viewing). */
export function imageFromArchive(archive: SnapshotArchive, index: number, party: string): Buffer | undefined {
  const img = archive.images[String(index)]?.[party];
  if (!img) return undefined;
  return Buffer.concat(img.pages.map((k) => Buffer.from(archive.pages[k] ?? '', 'base64')), img.bytes);
}

/**
 * Per-step snapshots. A store that wrote nothing since the last snapshot shares the previous image without
 * even being serialized again.
 */
export class Snapshots {
  private readonly byIndex = new Map<number, Snapshot>();
  private readonly pool = new PagePool();
  private last: { images: Map<PartyId, PagedImage>; writes: Map<PartyId, number> } | null = null;

  take(index: number, stores: Iterable<Store>, clock: { offsetMs: number }, ids: { counter: number }): Snapshot {
    const images = new Map<PartyId, PagedImage>();
    const writes = new Map<PartyId, number>();
    for (const s of stores) {
      const prev = this.last;
      const same = prev && prev.writes.get(s.party) === s.writeCount && prev.images.has(s.party);
      images.set(s.party, same ? prev.images.get(s.party)! : this.pool.put(s.serialize()));
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

  /** The DB file bytes of one party after step `index`. */
  image(index: number, party: PartyId): Buffer | undefined {
    const img = this.byIndex.get(index)?.images.get(party);
    return img ? this.pool.get(img) : undefined;
  }

  /** Put every store back as it was after step `index` (-1: before the first step). */
  restore(index: number, stores: Iterable<Store>): Snapshot {
    const snap = this.byIndex.get(index);
    if (!snap) throw new Error(`no snapshot after step ${index}`);
    const writes = new Map<PartyId, number>();
    const now = this.last;
    for (const s of stores) {
      const image = snap.images.get(s.party);
      // A store unwritten since it last matched a snapshot holding this very image is already there: rewriting
      // and reopening its file would change nothing (a step back mostly moves one or two parties' DBs).
      const had = now?.images.get(s.party);
      const already = image && had && sameImage(had, image) && now!.writes.get(s.party) === s.writeCount;
      if (image && !already) s.restore(this.pool.get(image));
      writes.set(s.party, s.writeCount);
    }
    this.last = { images: new Map(snap.images), writes };
    return snap;
  }

  /** Every snapshot, portable: for run bundles. */
  archive(): SnapshotArchive {
    const images: SnapshotArchive['images'] = {};
    const used = new Set<string>();
    for (const [index, snap] of this.byIndex) {
      const parties: Record<string, PagedImage> = {};
      for (const [party, img] of snap.images) {
        parties[party] = img;
        for (const k of img.pages) used.add(k);
      }
      images[String(index)] = parties;
    }
    return { pages: this.pool.encode(used), images };
  }

  /** Memory the snapshots hold: every distinct page once. */
  bytes(): number {
    return this.pool.bytes;
  }

  clear(): void {
    this.byIndex.clear();
    this.pool.clear();
    this.last = null;
  }
}
