import { describe, expect, it } from 'vitest';
import { LabIds } from '../../../../emulators/lab/ids.js';

describe('lab ids', () => {
  it('a seed gives the same ids every time', () => {
    const a = new LabIds('seed-1');
    const b = new LabIds('seed-1');
    expect([a.uuid(), a.hex(8), a.text(12)]).toEqual([b.uuid(), b.hex(8), b.text(12)]);
  });

  it('different seeds give different ids', () => {
    expect(new LabIds('a').uuid()).not.toBe(new LabIds('b').uuid());
  });

  it('makes RFC 4122 version-4 UUIDs', () => {
    expect(new LabIds('x').uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
