import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Electron binary, if installed. Never `require('electron')`: on Electron ≥ 42 that starts a download,
 * which fails offline (TOOLCHAIN.md). Read node_modules/electron/path.txt and check the file exists.
 */
export function electronBinary(root: string): string | null {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pkg = join(root, 'node_modules', 'electron');
  try {
    const rel = readFileSync(join(pkg, 'path.txt'), 'utf8').trim();
    const bin = override ? join(override, rel) : join(pkg, 'dist', rel);
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}
