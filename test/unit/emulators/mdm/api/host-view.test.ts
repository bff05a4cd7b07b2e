import { describe, it, expect } from 'vitest';
import { enrollmentStatus, goTime } from '../../../../../emulators/mdm/api/host-view.js';

describe('host-view', () => {
  it("goTime: Go's RFC 3339 marshalling drops the fraction's trailing zeros", () => {
    expect(goTime('2026-01-15T09:00:00.000Z')).toBe('2026-01-15T09:00:00Z');
    expect(goTime('2026-01-15T09:00:00.120Z')).toBe('2026-01-15T09:00:00.12Z');
    expect(goTime('2026-01-15T09:00:00.123Z')).toBe('2026-01-15T09:00:00.123Z');
  });

  it("enrollment_status as host_mdm's generated column (migration 20260624210311)", () => {
    const r = (enrolled: number, dep: number, server: number | null = 0, personal = 0) => enrollmentStatus({ enrolled, installed_from_dep: dep, is_server: server, is_personal_enrollment: personal });
    expect(enrollmentStatus(undefined)).toBeNull();
    expect(r(1, 0)).toBe('On (manual)');
    expect(r(1, 0, 0, 1)).toBe('On (manual - personal)');
    expect(r(1, 1)).toBe('On (automatic)');
    expect(r(0, 1)).toBe('Pending');
    expect(r(0, 0)).toBe('Off');
    expect(r(1, 1, 1)).toBeNull();
    expect(r(1, 1, 0, 1)).toBeNull();
  });
});
