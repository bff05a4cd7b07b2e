import { describe, expect, it } from 'vitest';
import type { Step, StepKindId } from '../../../../../app/contract';
import { NO_PHASE_LABEL, phaseMap, phaseWalk, visibleBands } from '../../../../../renderer/store/selectors/phases';
import { recordedStep } from '../../../../helpers/step';

/** A local step of catalog kind `catalogId` at `index` (only the catalog id matters to the phase selector). */
const step = (index: number, catalogId: string): Step =>
  recordedStep({
    id: `s${index}`, index, kind: 'local', catalogId: catalogId as StepKindId, from: 'device', to: 'device', title: catalogId,
    status: 'done', observedBy: 'lab', startedAt: 0, durationMs: 0, tokens: [], changes: [],
  });

/** The opening of autopilot-eua as the lab records it (catalog ids in order), with TPM steps inside phases. */
const RUN = [
  'device.setup', // 0 setup
  'oobe.signin-prompt', // 1 signin
  'entra.token.auth-code',
  'entra.token.refresh', // 3 join
  'drs.discover',
  'tpm.create-key', // phase null: stays in join
  'drs.join',
  'prt.nonce', // 7 prt
  'tpm.sign-jwt', // null: stays in prt
  'mde2.discover', // 9 enroll
  'entra.jwks', // null: stays in enroll
  'omadm.message', // 11 omadm
  'msi.download', // 12 msi
  'orbit.enroll', // 13 orbit
  'orbit.sso-prompt', // 14 reprompt
  'orbit.enroll', // 15 orbit again
  'omadm.message', // 16 omadm again
];
const steps = RUN.map((id, i) => step(i, id));

describe('phase bands', () => {
  it('cuts the run into the catalog phases, a step without a phase joining the phase before it', () => {
    const { bands } = phaseMap(steps);
    expect(bands.map((b) => [b.phase, b.first, b.last])).toEqual([
      ['setup', 0, 0],
      ['signin', 1, 2],
      ['join', 3, 6],
      ['prt', 7, 8],
      ['enroll', 9, 10],
      ['omadm', 11, 11],
      ['msi', 12, 12],
      ['orbit', 13, 13],
      ['reprompt', 14, 14],
      ['orbit', 15, 15],
      ['omadm', 16, 16],
    ]);
    expect(bands.map((b) => b.label)).toEqual([
      'Windows setup', 'Entra sign-in', 'Entra join', 'Primary Refresh Token', 'MDM enrollment', 'OMA-DM management',
      'MSI install', 'Orbit enroll', 'The second prompt', 'Orbit enroll', 'OMA-DM management',
    ]);
  });

  it('numbers each step by its band, a phase that comes back being a band of its own', () => {
    const { bandOf } = phaseMap(steps);
    expect(bandOf[5]).toBe(2); // the TPM key of the join
    expect(bandOf[10]).toBe(4); // the JWKS fetch inside enrollment
    expect(bandOf[13]).not.toBe(bandOf[15]);
  });

  it('gives steps before any phased step a band of their own, and skips holes in the run', () => {
    const sparse: (Step | undefined)[] = [step(0, 'tpm.create-key'), undefined, step(2, 'http.other'), step(3, 'mde2.discover')];
    const map = phaseMap(sparse);
    expect(map.bands.map((b) => [b.phase, b.label, b.first, b.last])).toEqual([
      [null, NO_PHASE_LABEL, 0, 2],
      ['enroll', 'MDM enrollment', 3, 3],
    ]);
    expect(map.bandOf).toEqual([0, -1, 0, 1]);
  });

  it('treats a catalog id it does not know (an older bundle) as a step without a phase', () => {
    expect(phaseMap([step(0, 'prt.nonce'), step(1, 'no.such-kind')]).bands).toHaveLength(1);
  });

  it('computes once per steps array', () => {
    expect(phaseMap(steps)).toBe(phaseMap(steps));
    expect(phaseMap(steps.slice())).not.toBe(phaseMap(steps));
  });
});

describe('bands of a filtered list', () => {
  it('starts a band at the first visible row of each band', () => {
    const map = phaseMap(steps);
    const all = steps.map((s) => s.index);
    expect(visibleBands(map, all).map((b) => [b.pos, b.step])).toEqual(map.bands.map((b) => [b.first, b.first]));
    // Hide the sign-in prompt and the join's first steps: the bands start at the next visible row.
    const visible = [0, 2, 5, 6, 9, 16];
    expect(visibleBands(map, visible).map((b) => [b.phase, b.pos, b.step])).toEqual([
      ['setup', 0, 0],
      ['signin', 1, 2],
      ['join', 2, 5],
      ['enroll', 4, 9],
      ['omadm', 5, 16],
    ]);
  });

  it('has no bands when nothing is visible', () => {
    expect(visibleBands(phaseMap(steps), [])).toEqual([]);
  });
});

describe('the guided walk', () => {
  const map = phaseMap(steps);
  const bands = visibleBands(map, steps.map((s) => s.index));

  it('goes to the first step of the next phase from anywhere in a phase', () => {
    expect(phaseWalk(map, bands, 0, 1)).toBe(1);
    expect(phaseWalk(map, bands, 4, 1)).toBe(7); // mid-join → PRT
    expect(phaseWalk(map, bands, 7, 1)).toBe(9);
    expect(phaseWalk(map, bands, 13, 1)).toBe(14); // orbit → the second prompt
  });

  it('goes to the first step of the previous phase', () => {
    expect(phaseWalk(map, bands, 9, -1)).toBe(7);
    expect(phaseWalk(map, bands, 10, -1)).toBe(7); // mid-enrollment → PRT
    expect(phaseWalk(map, bands, 1, -1)).toBe(0);
  });

  it('stops at either end', () => {
    expect(phaseWalk(map, bands, 16, 1)).toBeNull();
    expect(phaseWalk(map, bands, 0, -1)).toBeNull();
  });

  it('starts at the first band, or the last going back, when nothing is selected', () => {
    expect(phaseWalk(map, bands, null, 1)).toBe(0);
    expect(phaseWalk(map, bands, null, -1)).toBe(16);
    expect(phaseWalk(map, [], null, 1)).toBeNull();
  });

  it('walks the visible rows only, from the band of the selected step even when the filter hides it', () => {
    const filtered = visibleBands(map, [0, 2, 5, 9, 16]);
    expect(phaseWalk(map, filtered, 3, 1)).toBe(9); // step 3 (hidden) is in the join, whose first visible row is 5
    expect(phaseWalk(map, filtered, 3, -1)).toBe(2);
    expect(phaseWalk(map, visibleBands(map, [0, 16]), 9, -1)).toBe(0); // no visible row of PRT … MSI: back to setup
  });
});
