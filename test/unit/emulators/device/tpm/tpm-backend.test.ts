import { afterEach, describe, expect, it } from 'vitest';
import { parseTpmChoice, resolveTpm, chooseTpm, openTpm, closeTpm } from '../../../../../emulators/device/tpm/backend.js';
import { findSwtpm } from '../../../../../emulators/device/tpm/swtpm.js';
import { tempLab } from '../../../../helpers/lab.js';

const disposers: (() => void)[] = [];
afterEach(() => disposers.splice(0).forEach((d) => d()));

describe('TPM backend choice (--tpm)', () => {
  it('parses swtpm, soft and auto, and refuses anything else naming the valid values', () => {
    expect(parseTpmChoice('swtpm')).toBe('swtpm');
    expect(parseTpmChoice('soft')).toBe('soft');
    expect(parseTpmChoice(undefined)).toBe('auto');
    const e = parseTpmChoice('tpm2');
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(/auto, swtpm, soft/);
  });

  it('auto takes swtpm only when it is installed and the run is unseeded, and says why', () => {
    expect(resolveTpm('auto', true)).toMatchObject({ backend: 'soft', reason: expect.stringMatching(/seeded/) });
    expect(resolveTpm('soft', false).backend).toBe('soft');
    expect(resolveTpm('auto', false).backend).toBe(findSwtpm() ? 'swtpm' : 'soft');
  });

  it('a lab nobody chose for gets the in-process TPM with no step; auto on an unseeded lab records a tpm.backend step', async () => {
    const a = tempLab({ seed: 'backend' });
    disposers.push(a.dispose);
    expect((await openTpm(a.lab)).backend).toBe('soft');
    expect(a.lab.recorder.all()).toHaveLength(0);

    const b = tempLab();
    disposers.push(b.dispose);
    chooseTpm(b.lab, 'auto');
    const tpm = await openTpm(b.lab);
    expect(await openTpm(b.lab)).toBe(tpm);
    const step = b.lab.recorder.all()[0]!;
    expect(step.catalogId).toBe('tpm.backend');
    expect(step.detail).toMatchObject({ backend: tpm.backend, choice: 'auto' });
    await closeTpm(b.lab);
  });
});
