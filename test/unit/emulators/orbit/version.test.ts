import { describe, expect, it } from 'vitest';
import { capabilitiesFor, versionAtLeast, EUA_TOKEN_MIN_VERSION } from '../../../../emulators/orbit/version.js';

describe('orbit versions (fleet.md §3, §4.1)', () => {
  it('compares versions numerically, not as text', () => {
    expect(versionAtLeast('1.55.0', EUA_TOKEN_MIN_VERSION)).toBe(true);
    expect(versionAtLeast('1.100.0', '1.55.0')).toBe(true);
    expect(versionAtLeast('1.9.9', '1.55.0')).toBe(false);
  });

  it('advertises end_user_auth in X-Fleet-Capabilities from orbit 1.50.0 (fleet.md corrections §3)', () => {
    expect(capabilitiesFor('1.55.0')).toContain('end_user_auth');
    expect(capabilitiesFor('1.50.0')).toContain('end_user_auth');
    expect(capabilitiesFor('1.49.9')).not.toContain('end_user_auth');
    expect(capabilitiesFor('1.40.0')).not.toContain('end_user_auth');
  });
});
