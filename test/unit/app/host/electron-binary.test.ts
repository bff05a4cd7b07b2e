import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { electronBinary } from '../../../../app/host/electron-binary.js';

function fakeRoot(withBinary: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'electron-bin-'));
  const pkg = join(root, 'node_modules', 'electron');
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  writeFileSync(join(pkg, 'path.txt'), 'electron');
  if (withBinary) writeFileSync(join(pkg, 'dist', 'electron'), '');
  return root;
}

describe('finding the Electron binary without requiring electron', () => {
  it('finds it where path.txt says, inside dist', () => {
    const root = fakeRoot(true);
    expect(electronBinary(root)).toBe(join(root, 'node_modules', 'electron', 'dist', 'electron'));
  });

  it('is null when the binary was never downloaded (npm start then serves the UI on a URL)', () => {
    expect(electronBinary(fakeRoot(false))).toBeNull();
  });

  it('is null without the electron package', () => {
    expect(electronBinary(mkdtempSync(join(tmpdir(), 'no-electron-')))).toBeNull();
  });
});
