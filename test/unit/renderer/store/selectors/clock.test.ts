// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { labNow } from '../../../../../renderer/store/selectors/clock';

describe('clock selector', () => {
  it('runs an unpinned lab clock on from its last report; a pinned one stands still', () => {
    expect(labNow({ now: 1000, offsetMs: 0, pinned: false, receivedAt: 50 }, 550)).toBe(1500);
    expect(labNow({ now: 1000, offsetMs: 0, pinned: true, receivedAt: 50 }, 550)).toBe(1000);
    expect(labNow(null, 1)).toBeNull();
  });
});
