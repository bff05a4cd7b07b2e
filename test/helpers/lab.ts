import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Lab, type LabOptions } from '../../emulators/lab/lab.js';

/** A lab in its own temporary data folder; `dispose` closes it and removes the folder. */
export function tempLab(opts: Omit<LabOptions, 'dataDir'> = {}): { lab: Lab; dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'enrollscope-test-'));
  const lab = new Lab({ ...opts, dataDir: dir, keyCacheDir: join(tmpdir(), 'enrollscope-test-keycache') });
  return {
    lab,
    dir,
    dispose: () => {
      lab.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
