import { describe, expect, it } from 'vitest';
import { reproCommand } from '../../../../renderer/lib/repro';
import type { ScenarioInfo } from '../../../../app/contract';

const scenarios: ScenarioInfo[] = [{
  name: 'autopilot-eua', title: 't', description: 'd',
  options: [
    { name: 'eua', label: 'EUA', kind: 'boolean', default: true },
    { name: 'orbitVersion', label: 'Orbit', kind: 'select', choices: ['1.55.0', '1.50.0'], default: '1.55.0' },
  ],
}];

describe('the repro command', () => {
  it('names the scenario, the seed and only the options that differ from the defaults', () => {
    expect(reproCommand({ scenario: 'autopilot-eua', seed: 'bug-7', options: { eua: false, orbitVersion: '1.55.0' } }, scenarios)).toBe(
      'npm run -s enrollscope -- run autopilot-eua --seed bug-7 --set eua=false',
    );
  });

  it('leaves out the seed of an unseeded run and quotes what the shell would split', () => {
    expect(reproCommand({ scenario: 'autopilot-eua', seed: null, options: {} }, scenarios)).toBe('npm run -s enrollscope -- run autopilot-eua');
    expect(reproCommand({ scenario: 'autopilot-eua', seed: 'a b', options: {} }, scenarios)).toBe("npm run -s enrollscope -- run autopilot-eua --seed 'a b'");
  });

  it('names the Fleet profile only when run would not pick it anyway (the scenario\'s own, else current)', () => {
    const withOwn: ScenarioInfo[] = [...scenarios, { name: 'old-bug', title: 't', description: 'd', options: [], fleet: 'eua-first' }];
    expect(reproCommand({ scenario: 'autopilot-eua', seed: null, options: {}, fleet: 'current' }, withOwn)).toBe('npm run -s enrollscope -- run autopilot-eua');
    expect(reproCommand({ scenario: 'autopilot-eua', seed: null, options: {}, fleet: 'eua-link-fix' }, withOwn)).toBe('npm run -s enrollscope -- run autopilot-eua --fleet eua-link-fix');
    expect(reproCommand({ scenario: 'old-bug', seed: null, options: {}, fleet: 'eua-first' }, withOwn)).toBe('npm run -s enrollscope -- run old-bug');
    expect(reproCommand({ scenario: 'old-bug', seed: null, options: {}, fleet: 'current' }, withOwn)).toBe('npm run -s enrollscope -- run old-bug --fleet current');
  });

  it('has nothing to say before a scenario ran', () => {
    expect(reproCommand({ scenario: null, seed: null, options: {} }, scenarios)).toBeNull();
  });
});
