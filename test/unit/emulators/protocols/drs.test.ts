import { describe, it, expect } from 'vitest';
import { guidToBytes, bytesToGuid } from '../../../../emulators/protocols/drs.js';

describe('device-certificate GUID bytes (entra-mde2.md §3.4)', () => {
  it('are .NET Guid.ToByteArray order: first three groups little-endian', () => {
    expect(guidToBytes('00112233-4455-6677-8899-aabbccddeeff').toString('hex')).toBe('33221100554477668899aabbccddeeff');
  });

  it('read back to the same GUID', () => {
    const g = '7e980ad9-b86d-4306-9425-9ac066fb014a';
    expect(bytesToGuid(guidToBytes(g))).toBe(g);
  });

  it('refuse text that is not a GUID', () => {
    expect(() => guidToBytes('not-a-guid')).toThrow(TypeError);
  });
});
