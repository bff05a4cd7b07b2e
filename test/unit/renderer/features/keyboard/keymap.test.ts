// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { KEYMAP, isTypingTarget, keyLabel, resolveKey } from '../../../../../renderer/features/keyboard/keymap';

describe('the keymap table', () => {
  it('binds the keys DESIGN.md names: j/k or arrows, space, b, c, /, ?', () => {
    expect(resolveKey({ key: 'j' })).toBe('next');
    expect(resolveKey({ key: 'ArrowDown' })).toBe('next');
    expect(resolveKey({ key: 'k' })).toBe('previous');
    expect(resolveKey({ key: 'ArrowUp' })).toBe('previous');
    expect(resolveKey({ key: ' ' })).toBe('step');
    expect(resolveKey({ key: 'b' })).toBe('back');
    expect(resolveKey({ key: 'c' })).toBe('continue');
    expect(resolveKey({ key: '/' })).toBe('filter');
    expect(resolveKey({ key: '?' })).toBe('shortcuts');
  });

  it('walks the phases with [ and ] and toggles presenter mode with p', () => {
    expect(resolveKey({ key: ']' })).toBe('phase-next');
    expect(resolveKey({ key: '[' })).toBe('phase-previous');
    expect(resolveKey({ key: 'p' })).toBe('presenter');
  });

  it('gives every key to exactly one action', () => {
    const keys = KEYMAP.flatMap((b) => b.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('has one row per action, each described for the shortcut sheet', () => {
    const actions = KEYMAP.map((b) => b.action);
    expect(new Set(actions).size).toBe(actions.length);
    for (const b of KEYMAP) expect(b.description.length, b.action).toBeGreaterThan(5);
  });

  it('leaves modified keys to the browser and editors', () => {
    expect(resolveKey({ key: 'c', ctrlKey: true })).toBeNull();
    expect(resolveKey({ key: 'b', metaKey: true })).toBeNull();
    expect(resolveKey({ key: 'x' })).toBeNull();
  });

  it('does not steal keys typed into a field', () => {
    const input = document.createElement('input');
    const div = document.createElement('div');
    document.body.append(input, div);
    expect(isTypingTarget(input)).toBe(true);
    expect(isTypingTarget(div)).toBe(false);
  });

  it('writes keys as the sheet shows them', () => {
    expect(keyLabel(' ')).toBe('Space');
    expect(keyLabel('ArrowUp')).toBe('↑');
  });
});
