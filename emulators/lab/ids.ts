import { randomBytes, createHash } from 'node:crypto';

/**
 * Ids, nonces and secrets for every party. Seeded: a deterministic stream (SHA-256 in counter mode over the
 * seed), so a seeded re-run is byte-identical; unseeded: the OS CSPRNG.
 */
export class LabIds {
  private counter = 0;
  constructor(readonly seed: string | null = null) {}

  bytes(n: number): Buffer {
    if (this.seed === null) return randomBytes(n);
    const out = Buffer.alloc(n);
    let filled = 0;
    while (filled < n) {
      const block = createHash('sha256').update(`${this.seed}:${this.counter++}`).digest();
      filled += block.copy(out, filled);
    }
    return out;
  }

  /** RFC 4122 version-4 UUID, lower case. */
  uuid(): string {
    const b = this.bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  hex(bytes: number): string {
    return this.bytes(bytes).toString('hex');
  }

  /** URL-safe random text, as Fleet's GenerateRandomText (base64 of random bytes). */
  text(bytes: number): string {
    return this.bytes(bytes).toString('base64url');
  }

  /** Reset the stream position (step back of a seeded run restores it). */
  state(): { counter: number } {
    return { counter: this.counter };
  }

  restore(state: { counter: number }): void {
    this.counter = state.counter;
  }
}
