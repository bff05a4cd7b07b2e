import { describe, expect, it } from 'vitest';
import { endUserAuthGatedPlatform, fleetPlatform } from '../../../../../emulators/mdm/orbit/platform.js';
import { isEligibleForWindowsMDMEnrollment } from '../../../../../emulators/mdm/orbit/config.js';

describe('FleetPlatform and the end-user-auth gate (fleet.md corrections §3)', () => {
  it('maps linux distributions to linux and leaves others alone', () => {
    expect(fleetPlatform('ubuntu')).toBe('linux');
    expect(fleetPlatform('tuxedo')).toBe('linux');
    expect(fleetPlatform('windows')).toBe('windows');
    expect(fleetPlatform('darwin')).toBe('darwin');
  });

  it('gates only linux and windows', () => {
    expect(['windows', 'ubuntu', 'linux', 'rhel'].every(endUserAuthGatedPlatform)).toBe(true);
    expect(['darwin', 'chrome', 'ios', ''].some(endUserAuthGatedPlatform)).toBe(false);
  });
});

describe('isEligibleForWindowsMDMEnrollment (fleet.md corrections §9)', () => {
  const win = { platform: 'windows', osqueryHostId: 'X' };
  it('each branch', () => {
    expect(isEligibleForWindowsMDMEnrollment(win, undefined)).toBe(true);
    expect(isEligibleForWindowsMDMEnrollment(win, { enrolled: false, isServer: false })).toBe(true);
    expect(isEligibleForWindowsMDMEnrollment(win, { enrolled: true, isServer: false })).toBe(false);
    expect(isEligibleForWindowsMDMEnrollment(win, { enrolled: false, isServer: true })).toBe(false);
    expect(isEligibleForWindowsMDMEnrollment({ platform: 'windows', osqueryHostId: null }, undefined)).toBe(false);
    expect(isEligibleForWindowsMDMEnrollment({ platform: 'windows', osqueryHostId: '' }, undefined)).toBe(false);
    expect(isEligibleForWindowsMDMEnrollment({ platform: 'ubuntu', osqueryHostId: 'X' }, undefined)).toBe(false);
  });
});
