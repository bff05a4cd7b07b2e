import { describe, expect, it } from 'vitest';
import { objectIdToSid, LOCAL_ADMINISTRATORS_SID } from '../../../../../emulators/entra/drs/join.js';

describe('objectIdToSid (AADInternals Convert-AADIntObjectIDtoSID)', () => {
  it('gives the S-1-12-1 SID of AADInternals\' own example', () => {
    expect(objectIdToSid('e06e3596-82c0-4f31-ac5a-439a308e3dc2')).toBe('S-1-12-1-3765319062-1328644800-2588105388-3258814000');
  });

  it('reads the GUID in Guid.ToByteArray order: the first three fields little-endian, the last eight bytes as written', () => {
    expect(objectIdToSid('00000001-0002-0003-0405-060708090a0b')).toBe(`S-1-12-1-1-${2 + 3 * 65536}-${0x07060504}-${0x0b0a0908}`);
  });

  it('refuses what is not a GUID', () => {
    expect(() => objectIdToSid('not-a-guid')).toThrow(/not a GUID/);
  });

  it('local Administrators is the well-known BUILTIN_ADMINISTRATORS SID', () => {
    expect(LOCAL_ADMINISTRATORS_SID).toBe('S-1-5-32-544');
  });
});
